#!/usr/bin/env python3
r"""Generate a synthetic sanctions list: fictional people, companies, vessels and aircraft, deterministically.

Every name is a random combination of common name parts, so no entry describes a real person or company. Aliases
use the spellings a real list carries for the same person (transliterations, diacritics, word order, kunyas,
former company names); identifiers use Pakistani formats (CNIC, NTN) and passport, IMO and aircraft registration
shapes. The same ``--seed`` and ``--count`` always give the same bytes.

    python scripts/gen_sanctions.py --count 3000 --seed 20260115 \
        --out packs/pk-rsez/regpacks/sanctions/sanctions/entries.json       # the committed example list
    python scripts/gen_sanctions.py --count 100000 --out /tmp/sanctions-100k.json     # benchmark size
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


GIVEN = _words(
    "Muhammad Ahmad Ali Hasan Husain Umar Uthman Yusuf Ibrahim Ismail Khalid Tariq Farooq Imran Bilal Hamza Usman "
    "Zubair Saeed Rashid Nasir Zahir Karim Rahim Qasim Mustafa Mahmud Jamal Iqbal Asif Shahid Waqar Faisal Adnan "
    "Naveed Javed Sajid Arif Amir Babar Danish Ehsan Fahad Ghulam Haroon Irfan Junaid Kamran Latif Moin Nadeem "
    "Obaid Pervez Qadir Rizwan Salman Tahir Waleed Yasin Zafar Aziz Hamid Majid Shakeel Sohail Taimur Wasim Yasir "
    "Aisha Fatima Maryam Zainab Khadija Amina Sana Hina Nadia Rabia Saima Farah Bushra Asma Shazia Uzma Samina"
)
SURNAMES = _words(
    "Khan Qureshi Siddiqui Chaudhry Malik Sheikh Butt Awan Rana Mirza Baig Hashmi Jafri Naqvi Rizvi Abbasi Bukhari "
    "Gilani Durrani Afridi Yousafzai Khattak Marwat Bangash Achakzai Kakar Mengal Bugti Marri Baloch Jatoi Leghari "
    "Mazari Talpur Soomro Junejo Memon Shah Farooqui Usmani Ansari Rehmani Niazi Lodhi Kazmi Zaidi Tirmizi Hamdani "
    "Haddad Nasser Mansour Saleh Darwish Haidari Karimi Rahimi Hosseini Nazari Sultani Wardak Popalzai Barakzai "
    "Tanoli Swati Jadoon Orakzai Mohmand Shinwari Safi Wazir Mehsud Bhatti Cheema Gondal Warraich Tarar Sandhu"
)
KUNYA = ("Abu", "Umm")
DIACRITICS = {
    "Hasan": "Ḥasan",
    "Husain": "Ḥusayn",
    "Ali": "ʿAlī",
    "Umar": "ʿUmar",
    "Uthman": "ʿUthmān",
    "Yusuf": "Yūsuf",
    "Ibrahim": "Ibrāhīm",
    "Ismail": "Ismāʿīl",
    "Khalid": "Khālid",
    "Qasim": "Qāsim",
    "Mahmud": "Maḥmūd",
    "Saeed": "Saʿīd",
    "Zahir": "Ẓāhir",
    "Nasir": "Nāṣir",
    "Rahim": "Raḥīm",
    "Karim": "Karīm",
    "Fatima": "Fāṭima",
    "Aisha": "\u02bf\u0100\u02beisha",
}
SPELLINGS = {
    "Muhammad": ("Mohammed", "Mohamed", "Mohammad", "Muhammed"),
    "Ahmad": ("Ahmed",),
    "Hasan": ("Hassan",),
    "Husain": ("Hussain", "Hussein", "Husayn"),
    "Yusuf": ("Yousuf", "Yousef", "Youssef"),
    "Umar": ("Omar",),
    "Uthman": ("Usman", "Osman", "Othman"),
    "Usman": ("Uthman", "Osman"),
    "Khalid": ("Khaled",),
    "Mahmud": ("Mahmood", "Mahmoud"),
    "Mustafa": ("Mostafa", "Moustafa"),
    "Qasim": ("Kasim", "Qassem"),
    "Saeed": ("Said", "Sa'id"),
    "Nasir": ("Nasser", "Naseer"),
    "Zahir": ("Zaheer",),
    "Karim": ("Kareem",),
    "Rahim": ("Raheem",),
    "Chaudhry": ("Chaudhary", "Choudhury"),
    "Farooq": ("Farouk", "Faruq"),
    "Tariq": ("Tarek",),
    "Yasin": ("Yaseen", "Yassin"),
    "Ibrahim": ("Ebrahim",),
    "Ismail": ("Ismael",),
    "Sheikh": ("Shaikh",),
}
ENTITY_WORDS = _words(
    "Crescent Indus Karakoram Horizon Falcon Meridian Zenith Orient Gulf Noor Pioneer Summit Saffron Emerald Sapphire "
    "Caspian Arabian Himalaya Khyber Bolan Makran Ravi Chenab Jhelum Sutlej Margalla Silk Cedar Palm Oasis Dune "
    "Anchor Harbor Beacon Compass Atlas Apex Vertex Nova Stellar Lotus Jasmine Tulip Iris Phoenix Griffin Lynx"
)
INDUSTRY = (
    "Trading",
    "General Trading",
    "Logistics",
    "Money Exchange",
    "Shipping",
    "Holdings",
    "Textiles",
    "Petroleum",
    "Construction",
    "Import Export",
    "Charitable Trust",
    "Investments",
    "Commodities",
    "Freight",
    "Electronics",
)
LEGAL_FORMS = ("Co.", "LLC", "(Pvt) Ltd", "FZE", "Ltd", "Group", "Enterprises", "Corporation", "FZCO")
VESSEL_WORDS = (*ENTITY_WORDS, "Star", "Spirit", "Pearl", "Glory", "Fortune", "Venture", "Wave", "Breeze")
AIRCRAFT = ("Boeing 737-300", "Airbus A310", "Ilyushin Il-76", "Antonov An-12", "Boeing 747-200F", "Airbus A300B4")
NATIONALITIES = ("PK", "AF", "IR", "AE", "SA", "YE", "SY", "IQ", "SO", "SD", "LY", "GB", "TR", "MY", "BD")
LISTS = ("un_consolidated", "ofac_sdn", "eu_consolidated", "uk_sanctions", "other")
PROGRAMS = ("TERRORISM", "PROLIFERATION", "NARCOTICS", "CYBER", "HUMAN-RIGHTS", "SANCTIONS-EVASION")
FLAGS = ("PA", "LR", "MH", "KM", "TG", "IR", "KP", "SL", "TZ", "MN")


def generate(count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` synthetic entries; ``seed`` makes them reproducible."""
    rng = random.Random(seed)
    entries = []
    for index in range(count):
        roll = rng.random()
        maker = _individual if roll < 0.7 else _entity if roll < 0.92 else _vessel if roll < 0.97 else _aircraft
        entry = maker(rng)
        entry["entry_id"] = f"SYN-{index + 1:06d}"
        entry["source_lists"] = sorted(rng.sample(LISTS, rng.choice((1, 1, 1, 2, 3))))
        entry["programs"] = [rng.choice(PROGRAMS)]
        entry["listing_date"] = f"{rng.randrange(2001, 2026)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        entry["remarks"] = "Synthetic test entry; fictional."
        entries.append(dict(sorted(entry.items())))
    return entries


def person_name(rng: random.Random) -> list[str]:
    """Name parts of one fictional person: given name, sometimes a second given name, a family name."""
    parts = [rng.choice(GIVEN)]
    if rng.random() < 0.55:
        parts.append(rng.choice(GIVEN))
    parts.append(rng.choice(SURNAMES))
    return parts


def name_variants(rng: random.Random, parts: list[str]) -> list[str]:
    """Spellings under which a list carries the same person (what screening has to find)."""
    variants = []
    respelt = [rng.choice(SPELLINGS[p]) if p in SPELLINGS and rng.random() < 0.7 else p for p in parts]
    if respelt != parts:
        variants.append(" ".join(respelt))
    if any(p in DIACRITICS for p in parts):
        variants.append(" ".join(DIACRITICS.get(p, p) for p in parts))
    if rng.random() < 0.4:
        variants.append(f"{parts[-1].upper()}, {' '.join(parts[:-1])}")
    if rng.random() < 0.25:
        variants.append(f"{rng.choice(KUNYA)} {rng.choice(GIVEN)}")
    return variants


def _individual(rng: random.Random) -> dict[str, Any]:
    parts = person_name(rng)
    aliases = [{"name": v, "type": "aka"} for v in name_variants(rng, parts)[: rng.choice((0, 1, 2, 3))]]
    identifiers = [{"type": "passport", "value": f"{_letters(rng, 2)}{rng.randrange(10**6, 10**7)}"}]
    if rng.random() < 0.5:
        cnic = f"{rng.randrange(10000, 100000)}-{rng.randrange(10**6, 10**7)}-{rng.randrange(10)}"
        identifiers.append({"type": "cnic", "value": cnic})
    return {
        "entry_type": "individual",
        "primary_name": " ".join(parts),
        "aliases": aliases,
        "identifiers": identifiers,
        "nationalities": sorted({rng.choice(NATIONALITIES) for _ in range(rng.choice((1, 1, 2)))}),
        "date_of_birth": f"{rng.randrange(1950, 2000)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
    }


def company_name(rng: random.Random) -> str:
    words = rng.sample(ENTITY_WORDS, rng.choice((1, 2)))
    return f"{' '.join(words)} {rng.choice(INDUSTRY)} {rng.choice(LEGAL_FORMS)}"


def _entity(rng: random.Random) -> dict[str, Any]:
    name = company_name(rng)
    stem = name.rsplit(" ", 1)[0] if not name.endswith("(Pvt) Ltd") else name.removesuffix(" (Pvt) Ltd")
    aliases = [{"name": stem, "type": "short"}]
    if rng.random() < 0.3:
        aliases.append({"name": company_name(rng), "type": "formerly"})
    identifiers = [{"type": "registration", "value": f"{rng.randrange(10**6, 10**7):07d}"}]
    if rng.random() < 0.6:
        identifiers.append({"type": "ntn", "value": f"{rng.randrange(10**6, 10**7):07d}"})
    return {
        "entry_type": "entity",
        "primary_name": name,
        "aliases": aliases,
        "identifiers": identifiers,
        "addresses": [{"city": rng.choice(("Karachi", "Dubai", "Kabul", "Quetta", "Peshawar", "Sharjah"))}],
    }


def _vessel(rng: random.Random) -> dict[str, Any]:
    name = f"{rng.choice(VESSEL_WORDS)} {rng.choice(VESSEL_WORDS)}".upper()
    aliases = [{"name": f"{rng.choice(VESSEL_WORDS)} {rng.choice(VESSEL_WORDS)}".upper(), "type": "formerly"}]
    return {
        "entry_type": "vessel",
        "primary_name": f"MV {name}",
        "aliases": aliases,
        "identifiers": [{"type": "imo", "value": f"IMO {rng.randrange(9000000, 9999999)}"}],
        "remarks_flag": rng.choice(FLAGS),
    }


def _aircraft(rng: random.Random) -> dict[str, Any]:
    tail = f"{rng.choice(('EP', 'YA', '5A', 'ST', '4L'))}-{_letters(rng, 3)}"
    return {
        "entry_type": "aircraft",
        "primary_name": f"{rng.choice(AIRCRAFT)} {tail}",
        "aliases": [],
        "identifiers": [
            {"type": "aircraft_registration", "value": tail},
            {"type": "msn", "value": str(rng.randrange(10000, 99999))},
        ],
    }


def _letters(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(n))


def render(entries: list[dict[str, Any]]) -> bytes:
    """One canonical entry per line inside a JSON array (diff-friendly, deterministic)."""
    lines = [json.dumps(e, sort_keys=True, separators=(",", ":"), ensure_ascii=False) for e in entries]
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=20260115)
    parser.add_argument("--out", type=Path, help="output file (default: stdout)")
    args = parser.parse_args(argv)
    data = render(generate(args.count, args.seed))
    if args.out is None:
        sys.stdout.buffer.write(data)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
