"""The Google backend: all gspread / googleapiclient code lives in this package."""
