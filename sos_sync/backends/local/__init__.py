"""The local backend: a workspace folder of CSV inboxes, .xlsx tracker, .ics and .docx files."""
