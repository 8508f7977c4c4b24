"""Curated reference data that ISO 3166 (pycountry) does not carry: which jurisdictions are active in
the network, legal systems, currencies, languages, the practice-area taxonomy and seed exchange rates.

Only the loader reads this, and only to create rows that are missing: once a row exists, staff own it.
A subdivision without its own entry takes its country's legal system, currency and languages.
"""

from decimal import Decimal

# The ~50 jurisdictions the network works in. US, UK, Canadian and Australian lawyers are admitted
# by state or province, so there the subdivision is active and the country is not.
# fmt: off
ACTIVE_JURISDICTIONS: frozenset[str] = frozenset(
    {
        # United States: the states and district where the work is.
        "US-NY", "US-CA", "US-DE", "US-TX", "US-IL", "US-FL",
        "US-MA", "US-DC", "US-WA", "US-NJ", "US-GA", "US-PA",
        # United Kingdom: England (and Wales) share one bar; Scotland and Northern Ireland have their own.
        "GB-ENG", "GB-SCT", "GB-NIR",
        # Europe.
        "IE", "DE", "FR", "NL", "BE", "LU", "CH", "ES", "IT", "PT",
        "SE", "DK", "NO", "FI", "PL", "AT",
        # Middle East and Asia.
        "IL", "AE", "SG", "HK", "CN", "JP", "KR", "IN",
        # Oceania.
        "AU-NSW", "AU-VIC", "NZ",
        # The Americas.
        "CA-ON", "CA-QC", "CA-BC", "BR", "MX",
        # Africa.
        "ZA", "KE", "NG",
        # Offshore funds work.
        "KY",
    }
)
# fmt: on

# Display names where ISO's is not the one lawyers use (ISO's bracketed alternatives are dropped anyway).
NAMES: dict[str, str] = {}

_COMMON, _CIVIL, _MIXED = "common", "civil", "mixed"

# Legal family per country, and the subdivisions that differ from their country.
# fmt: off
LEGAL_SYSTEMS: dict[str, str] = {
    # Common law.
    **dict.fromkeys(
        [
            "US", "GB", "IE", "AU", "NZ", "CA", "IN", "SG", "HK", "KY", "KE", "NG", "GH",
            "BS", "BB", "BM", "VG", "JM", "TT", "BZ", "GI", "IM", "AG", "TC",
        ],
        _COMMON,
    ),
    # Civil law.
    **dict.fromkeys(
        [
            "DE", "FR", "NL", "BE", "LU", "CH", "ES", "IT", "PT", "SE", "DK", "NO", "FI", "IS",
            "PL", "AT", "CZ", "SK", "HU", "SI", "HR", "RO", "BG", "GR", "EE", "LV", "LT", "LI",
            "MC", "AD", "SM", "TR", "RU", "UA", "JP", "KR", "CN", "TW", "MO", "TH", "VN",
            "BR", "MX", "AR", "CL", "CO", "PE", "UY", "PY", "EC", "BO", "VE", "CR", "PA",
            "GT", "HN", "SV", "NI", "DO",
        ],
        _CIVIL,
    ),
    # Mixed systems (civil and common law, or either with religious or customary law).
    **dict.fromkeys(
        [
            "IL", "AE", "ZA", "SA", "QA", "KW", "BH", "OM", "EG", "MA", "JO", "LB", "PH", "LK",
            "MY", "PK", "BD", "CY", "MT", "JE", "GG", "BW", "NA", "ZW", "LS", "SZ", "PR", "MU",
        ],
        _MIXED,
    ),
    # Subdivisions that differ from their country.
    "GB-ENG": _COMMON,
    "GB-WLS": _COMMON,
    "GB-NIR": _COMMON,
    "GB-SCT": _MIXED,
    "US-LA": _MIXED,
    "US-PR": _MIXED,
    "CA-QC": _MIXED,
    "CN-HK": _COMMON,
    "CN-MO": _CIVIL,
}
# fmt: on

# ISO 4217 currency per ISO 3166-1 country (Antarctica has none), and subdivisions that differ.
# fmt: off
CURRENCIES: dict[str, str] = {
    "AD": "EUR", "AE": "AED", "AF": "AFN", "AG": "XCD", "AI": "XCD", "AL": "ALL", "AM": "AMD",
    "AO": "AOA", "AR": "ARS", "AS": "USD", "AT": "EUR", "AU": "AUD", "AW": "AWG", "AX": "EUR",
    "AZ": "AZN", "BA": "BAM", "BB": "BBD", "BD": "BDT", "BE": "EUR", "BF": "XOF", "BG": "EUR",
    "BH": "BHD", "BI": "BIF", "BJ": "XOF", "BL": "EUR", "BM": "BMD", "BN": "BND", "BO": "BOB",
    "BQ": "USD", "BR": "BRL", "BS": "BSD", "BT": "BTN", "BV": "NOK", "BW": "BWP", "BY": "BYN",
    "BZ": "BZD", "CA": "CAD", "CC": "AUD", "CD": "CDF", "CF": "XAF", "CG": "XAF", "CH": "CHF",
    "CI": "XOF", "CK": "NZD", "CL": "CLP", "CM": "XAF", "CN": "CNY", "CO": "COP", "CR": "CRC",
    "CU": "CUP", "CV": "CVE", "CW": "XCG", "CX": "AUD", "CY": "EUR", "CZ": "CZK", "DE": "EUR",
    "DJ": "DJF", "DK": "DKK", "DM": "XCD", "DO": "DOP", "DZ": "DZD", "EC": "USD", "EE": "EUR",
    "EG": "EGP", "EH": "MAD", "ER": "ERN", "ES": "EUR", "ET": "ETB", "FI": "EUR", "FJ": "FJD",
    "FK": "FKP", "FM": "USD", "FO": "DKK", "FR": "EUR", "GA": "XAF", "GB": "GBP", "GD": "XCD",
    "GE": "GEL", "GF": "EUR", "GG": "GBP", "GH": "GHS", "GI": "GIP", "GL": "DKK", "GM": "GMD",
    "GN": "GNF", "GP": "EUR", "GQ": "XAF", "GR": "EUR", "GS": "GBP", "GT": "GTQ", "GU": "USD",
    "GW": "XOF", "GY": "GYD", "HK": "HKD", "HM": "AUD", "HN": "HNL", "HR": "EUR", "HT": "HTG",
    "HU": "HUF", "ID": "IDR", "IE": "EUR", "IL": "ILS", "IM": "GBP", "IN": "INR", "IO": "USD",
    "IQ": "IQD", "IR": "IRR", "IS": "ISK", "IT": "EUR", "JE": "GBP", "JM": "JMD", "JO": "JOD",
    "JP": "JPY", "KE": "KES", "KG": "KGS", "KH": "KHR", "KI": "AUD", "KM": "KMF", "KN": "XCD",
    "KP": "KPW", "KR": "KRW", "KW": "KWD", "KY": "KYD", "KZ": "KZT", "LA": "LAK", "LB": "LBP",
    "LC": "XCD", "LI": "CHF", "LK": "LKR", "LR": "LRD", "LS": "LSL", "LT": "EUR", "LU": "EUR",
    "LV": "EUR", "LY": "LYD", "MA": "MAD", "MC": "EUR", "MD": "MDL", "ME": "EUR", "MF": "EUR",
    "MG": "MGA", "MH": "USD", "MK": "MKD", "ML": "XOF", "MM": "MMK", "MN": "MNT", "MO": "MOP",
    "MP": "USD", "MQ": "EUR", "MR": "MRU", "MS": "XCD", "MT": "EUR", "MU": "MUR", "MV": "MVR",
    "MW": "MWK", "MX": "MXN", "MY": "MYR", "MZ": "MZN", "NA": "NAD", "NC": "XPF", "NE": "XOF",
    "NF": "AUD", "NG": "NGN", "NI": "NIO", "NL": "EUR", "NO": "NOK", "NP": "NPR", "NR": "AUD",
    "NU": "NZD", "NZ": "NZD", "OM": "OMR", "PA": "USD", "PE": "PEN", "PF": "XPF", "PG": "PGK",
    "PH": "PHP", "PK": "PKR", "PL": "PLN", "PM": "EUR", "PN": "NZD", "PR": "USD", "PS": "ILS",
    "PT": "EUR", "PW": "USD", "PY": "PYG", "QA": "QAR", "RE": "EUR", "RO": "RON", "RS": "RSD",
    "RU": "RUB", "RW": "RWF", "SA": "SAR", "SB": "SBD", "SC": "SCR", "SD": "SDG", "SE": "SEK",
    "SG": "SGD", "SH": "SHP", "SI": "EUR", "SJ": "NOK", "SK": "EUR", "SL": "SLE", "SM": "EUR",
    "SN": "XOF", "SO": "SOS", "SR": "SRD", "SS": "SSP", "ST": "STN", "SV": "USD", "SX": "XCG",
    "SY": "SYP", "SZ": "SZL", "TC": "USD", "TD": "XAF", "TF": "EUR", "TG": "XOF", "TH": "THB",
    "TJ": "TJS", "TK": "NZD", "TL": "USD", "TM": "TMT", "TN": "TND", "TO": "TOP", "TR": "TRY",
    "TT": "TTD", "TV": "AUD", "TW": "TWD", "TZ": "TZS", "UA": "UAH", "UG": "UGX", "UM": "USD",
    "US": "USD", "UY": "UYU", "UZ": "UZS", "VA": "EUR", "VC": "XCD", "VE": "VES", "VG": "USD",
    "VI": "USD", "VN": "VND", "VU": "VUV", "WF": "XPF", "WS": "WST", "YE": "YER", "YT": "EUR",
    "ZA": "ZAR", "ZM": "ZMW", "ZW": "ZWG",
    # Subdivisions with a currency of their own.
    "CN-HK": "HKD", "CN-MO": "MOP",
    "FR-NC": "XPF", "FR-PF": "XPF", "FR-WF": "XPF",
    "NL-AW": "AWG", "NL-CW": "XCG", "NL-SX": "XCG",
    "NL-BQ1": "USD", "NL-BQ2": "USD", "NL-BQ3": "USD",
}
# fmt: on

# ISO 639-1 languages matters are run in, for the active jurisdictions and their countries.
# fmt: off
LANGUAGES: dict[str, list[str]] = {
    "US": ["en"], "US-PR": ["es", "en"],
    "GB": ["en"], "GB-WLS": ["en", "cy"],
    "IE": ["en", "ga"], "DE": ["de"], "FR": ["fr"], "NL": ["nl"], "BE": ["nl", "fr", "de"],
    "LU": ["lb", "fr", "de"], "CH": ["de", "fr", "it"], "ES": ["es"], "IT": ["it"], "PT": ["pt"],
    "SE": ["sv"], "DK": ["da"], "NO": ["no"], "FI": ["fi", "sv"], "PL": ["pl"], "AT": ["de"],
    "IL": ["he", "ar"], "AE": ["ar", "en"], "SG": ["en", "zh", "ms", "ta"], "HK": ["zh", "en"],
    "CN": ["zh"], "CN-HK": ["zh", "en"], "CN-MO": ["zh", "pt"], "JP": ["ja"], "KR": ["ko"],
    "IN": ["en", "hi"],
    "AU": ["en"], "NZ": ["en", "mi"],
    "CA": ["en", "fr"], "CA-QC": ["fr", "en"], "CA-BC": ["en"],
    "BR": ["pt"], "MX": ["es"],
    "ZA": ["en", "af", "zu", "xh"], "KE": ["en", "sw"], "NG": ["en"],
    "KY": ["en"],
}
# fmt: on

# Seed rates: US dollars for one unit, for every currency of an active jurisdiction and a few more
# that clients commonly budget in. Staff keep them current in admin; the loader never overwrites them.
# fmt: off
EXCHANGE_RATES: dict[str, Decimal] = {
    code: Decimal(rate)
    for code, rate in {
        "USD": "1", "EUR": "1.08", "GBP": "1.27", "CHF": "1.13", "SEK": "0.095", "DKK": "0.145",
        "NOK": "0.093", "PLN": "0.25", "CZK": "0.043", "HUF": "0.0027", "RON": "0.22",
        "ILS": "0.27", "AED": "0.2723", "SAR": "0.2667", "QAR": "0.2747",
        "SGD": "0.74", "HKD": "0.128", "CNY": "0.138", "JPY": "0.0067", "KRW": "0.00073",
        "INR": "0.012", "TWD": "0.031", "MYR": "0.22", "THB": "0.028",
        "AUD": "0.66", "NZD": "0.60", "CAD": "0.73", "BRL": "0.18", "MXN": "0.055",
        "ZAR": "0.054", "KES": "0.0077", "NGN": "0.00065", "KYD": "1.20",
    }.items()
}
# fmt: on

# The practice-area taxonomy, two levels: (slug, name, description, [(slug, name), ...]).
PRACTICE_AREAS: list[tuple[str, str, str, list[tuple[str, str]]]] = [
    (
        "corporate",
        "Corporate",
        "Transactions and the life of the company.",
        [
            ("m-and-a", "M&A"),
            ("private-equity", "Private equity"),
            ("venture-capital", "Venture capital"),
            ("corporate-governance", "Corporate governance"),
        ],
    ),
    (
        "disputes",
        "Disputes",
        "Litigation, arbitration and the work around them.",
        [
            ("commercial-litigation", "Commercial litigation"),
            ("international-arbitration", "International arbitration"),
            ("ediscovery", "eDiscovery"),
            ("investigations", "Investigations"),
        ],
    ),
    (
        "regulatory",
        "Regulatory",
        "Compliance with sector and cross-sector regulation.",
        [
            ("data-privacy", "Data privacy"),
            ("financial-regulation", "Financial regulation"),
            ("healthcare", "Healthcare"),
            ("energy", "Energy"),
        ],
    ),
    (
        "finance",
        "Finance",
        "Lending, securities and funds.",
        [
            ("banking", "Banking"),
            ("capital-markets", "Capital markets"),
            ("restructuring-insolvency", "Restructuring & insolvency"),
            ("funds", "Funds"),
        ],
    ),
    (
        "intellectual-property",
        "Intellectual property",
        "Protecting, exploiting and enforcing IP rights.",
        [
            ("patents", "Patents"),
            ("trademarks", "Trademarks"),
            ("ip-licensing", "Licensing"),
        ],
    ),
    (
        "employment",
        "Employment",
        "Workforce advice and disputes.",
        [
            ("employment-advisory", "Employment advisory"),
            ("employment-disputes", "Employment disputes"),
            ("immigration", "Immigration"),
        ],
    ),
    (
        "tax",
        "Tax",
        "Direct and international tax.",
        [
            ("corporate-tax", "Corporate tax"),
            ("transfer-pricing", "Transfer pricing"),
        ],
    ),
    (
        "real-estate",
        "Real estate",
        "Property transactions and construction.",
        [
            ("commercial-real-estate", "Commercial real estate"),
            ("construction", "Construction"),
        ],
    ),
    (
        "competition",
        "Competition",
        "Antitrust: deals, conduct and enforcement.",
        [
            ("merger-control", "Merger control"),
            ("cartels", "Cartels"),
        ],
    ),
    (
        "technology",
        "Technology",
        "Technology transactions and emerging tech.",
        [
            ("commercial-contracts-saas", "Commercial contracts / SaaS"),
            ("outsourcing", "Outsourcing"),
            ("ai-emerging-technology", "AI & emerging technology"),
        ],
    ),
]
