"""Converts one tab-separated file (MM-DD-YYYY, HH:MM, code, value) to CSV with ISO dates."""
import sys

print("date,time,code,value")
with open(sys.argv[1], encoding="utf-8") as records:
    for number, line in enumerate(records, 1):
        date, time, code, value = line.rstrip("\n").split("\t")
        month, day, year = date.split("-")
        print(f"{year}-{month}-{day},{time},{code},{value}")
