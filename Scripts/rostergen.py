"""Deterministic, valid contact lists for the reliability harnesses (Scripts/crashtest,
Scripts/concurrency; docs/RELIABILITY.md).

Row i is always the same row, whatever the file it is written into, so a file of rows
0..N-1 and one of rows 0..M-1 (M < N) share their first M people exactly: importing the
smaller one into one location and the bigger one into another makes the second run both
create contacts and copy true duplicates (SPEC 4).

Every row is valid under SPEC 3 and unique in name, email and phone, so a complete import
creates (or copies) every row and fails none. Used as a module, or run as a script:

    python3 Scripts/rostergen.py --rows 200000 [--start 0] [--header "$(roster template)"] > list.csv
"""
import csv
import io
import sys

FIRST_NAMES = [
    "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth", "David",
    "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Christopher",
    "Nancy", "Daniel", "Lisa", "Matthew", "Betty", "Anthony", "Margaret", "Mark", "Sandra", "Donald",
    "Ashley", "Steven", "Kimberly", "Paul", "Emily", "Andrew", "Donna", "Joshua", "Michelle", "Kenneth",
    "Dorothy", "Kevin", "Carol", "Brian", "Amanda", "George", "Melissa", "Edward", "Deborah", "Ronald",
    "Stephanie", "Timothy", "Rebecca", "Jason", "Sharon", "Jeffrey", "Laura", "Ryan", "Cynthia", "Jacob",
    "Zoë", "José", "Renée", "Siobhán",
]
# Consonant-vowel syllables; no combination of them spells a note word (SPEC 3's list).
SYLLABLES = ["ka", "lo", "mi", "ra", "te", "su", "vi", "be", "da", "go",
             "ha", "ji", "ku", "ma", "pe", "ro", "sa", "ti", "wu", "ze"]
STREETS = ["Main", "Elm", "Maple", "Oak", "Pine", "Cedar", "Lake", "Hill", "Park", "River"]
CITIES = [("Nashua", "NH", "03060"), ("Hudson", "NH", "03051"), ("Manchester", "NH", "03101"),
          ("Lowell", "MA", "01852"), ("Burlington", "VT", "05401"), ("Portland", "ME", "04101")]
CARRIERS = ["Aetna", "Anthem Blue Cross", "Cigna", "Harvard Pilgrim", "Medicare", "Medicaid", "Tricare", ""]
PHASES = ["No Phase", "Lead-New", "Patient-ScheduledPlanOfCare", "FreeScreen-Scheduled",
          "InitialEvaluation-Scheduled", "Graduated-Graduated", ""]
NOTES = ["", "", "Prefers mornings", "Referred by Dr. Lee, knee", 'Says "call first", then text',
         "Line one\nline two of a note", "Back pain; PT twice a week"]


def last_name(n):
    """A three-to-five syllable surname unique to n (n < 20**5)."""
    parts = []
    for _ in range(3):
        parts.append(SYLLABLES[n % 20])
        n //= 20
    while n:
        parts.append(SYLLABLES[n % 20])
        n //= 20
    return "".join(parts).capitalize()


def phone(area, i):
    """A valid NANP number unique to i (i < 800 * 10,000), in one of several common formats."""
    exchange = 200 + i // 10000
    line = i % 10000
    style = i % 4
    if style == 0:
        return f"({area}) {exchange}-{line:04d}"
    if style == 1:
        return f"{area}.{exchange}.{line:04d}"
    if style == 2:
        return f"+1 {area} {exchange} {line:04d}"
    return f"{area}-{exchange}-{line:04d}"


def row(i):
    """Row i: the 17 template fields, in template order."""
    first = FIRST_NAMES[i % len(FIRST_NAMES)]
    last = last_name(i // len(FIRST_NAMES))
    city, state, postal = CITIES[i % len(CITIES)]
    email = f"{first}.{last}.{i}@example.com".lower().replace("ë", "e").replace("é", "e").replace("á", "a")
    return [
        first,
        last,
        "Bobby" if i % 11 == 0 else "",
        email,
        phone("603", i),
        phone("802", i) if i % 7 == 0 else "",
        f"{1 + i % 997} {STREETS[i % len(STREETS)]} St",
        f"Apt {i % 40}" if i % 5 == 0 else "",
        city,
        state,
        "US",
        ["Female", "Male", "F", "M"][i % 4],
        postal,
        f"{1 + i % 12}/{1 + i % 28}/{1930 + i % 80}",
        CARRIERS[i % len(CARRIERS)],
        PHASES[i % len(PHASES)],
        NOTES[i % len(NOTES)],
    ]


def write(path, header, start, count):
    """Writes rows start..start+count-1 with `header` (a list of column names) to path."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\r\n")
        out.writerow(header)
        for i in range(start, start + count):
            out.writerow(row(i))


def main(argv):
    import argparse
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--header", help="the header line (default: SPEC 2's template)")
    args = parser.parse_args(argv)
    header = next(csv.reader(io.StringIO(args.header))) if args.header else TEMPLATE
    out = csv.writer(sys.stdout, lineterminator="\r\n")
    out.writerow(header)
    for i in range(args.start, args.start + args.rows):
        out.writerow(row(i))


TEMPLATE = ["First Name", "Last Name", "Nickname", "Email", "Phone (Mobile)", "Home Phone", "Address",
            "Address Line 2", "City", "State", "Country", "Sex", "Postal Code", "Date Of Birth",
            "Insurance Carrier", "Phase", "Notes"]

if __name__ == "__main__":
    main(sys.argv[1:])
