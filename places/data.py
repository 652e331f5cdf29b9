"""Facts the place packages do not carry: country names, regions, Japan's prefectures in English,
and the provinces of Lao PDR and Myanmar (no maintained package on PyPI has them).

Codes are ISO 3166-2 where the packages give none.
"""

COUNTRIES = [
    # code, English, local script, Thai, Japanese
    ("TH", "Thailand", "ประเทศไทย", "ประเทศไทย", "タイ"),
    ("JP", "Japan", "日本", "ญี่ปุ่น", "日本"),
    ("KH", "Cambodia", "កម្ពុជា", "กัมพูชา", "カンボジア"),
    ("LA", "Lao PDR", "ລາວ", "ลาว", "ラオス"),
    ("MM", "Myanmar", "မြန်မာ", "เมียนมา", "ミャンマー"),
    ("VN", "Vietnam", "Việt Nam", "เวียดนาม", "ベトナム"),
]

# Thailand's six-region system (the one the OTOP programme and the demo data use):
# region code, English, Thai, Japanese, province geocodes.
THAI_REGIONS = [
    ("N", "North", "ภาคเหนือ", "北部", ["50", "51", "52", "53", "54", "55", "56", "57", "58"]),
    (
        "NE",
        "Northeast",
        "ภาคตะวันออกเฉียงเหนือ",
        "東北部",
        [str(code) for code in range(30, 50)],
    ),
    (
        "C",
        "Central",
        "ภาคกลาง",
        "中部",
        ["10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "26",
         "60", "61", "62", "64", "65", "66", "67", "72", "73", "74", "75"],
    ),
    ("E", "East", "ภาคตะวันออก", "東部", ["20", "21", "22", "23", "24", "25", "27"]),
    ("W", "West", "ภาคตะวันตก", "西部", ["63", "70", "71", "76", "77"]),
    (
        "S",
        "South",
        "ภาคใต้",
        "南部",
        ["80", "81", "82", "83", "84", "85", "86", "90", "91", "92", "93", "94", "95", "96"],
    ),
]

# Japan's eight regions by JIS X 0401 prefecture code range.
JAPAN_REGIONS = [
    ("HKD", "Hokkaido", "ฮกไกโด", "北海道地方", range(1, 2)),
    ("THK", "Tohoku", "โทโฮกุ", "東北地方", range(2, 8)),
    ("KNT", "Kanto", "คันโต", "関東地方", range(8, 15)),
    ("CHB", "Chubu", "ชูบุ", "中部地方", range(15, 24)),
    ("KNS", "Kansai", "คันไซ", "近畿地方", range(24, 31)),
    ("CGK", "Chugoku", "จูโงกุ", "中国地方", range(31, 36)),
    ("SKK", "Shikoku", "ชิโกกุ", "四国地方", range(36, 40)),
    ("KYS", "Kyushu", "คิวชู", "九州地方", range(40, 48)),
]

# English names of the prefectures in JIS X 0401 order (01 Hokkaido … 47 Okinawa).
JAPAN_PREFECTURES_EN = [
    "Hokkaido", "Aomori", "Iwate", "Miyagi", "Akita", "Yamagata", "Fukushima", "Ibaraki",
    "Tochigi", "Gunma", "Saitama", "Chiba", "Tokyo", "Kanagawa", "Niigata", "Toyama",
    "Ishikawa", "Fukui", "Yamanashi", "Nagano", "Gifu", "Shizuoka", "Aichi", "Mie",
    "Shiga", "Kyoto", "Osaka", "Hyogo", "Nara", "Wakayama", "Tottori", "Shimane",
    "Okayama", "Hiroshima", "Yamaguchi", "Tokushima", "Kagawa", "Ehime", "Kochi", "Fukuoka",
    "Saga", "Nagasaki", "Kumamoto", "Oita", "Miyazaki", "Kagoshima", "Okinawa",
]

# Lao PDR: Vientiane Capital and 17 provinces (ISO 3166-2:LA).
LAOS_PROVINCES = [
    ("VT", "Vientiane Capital", "ນະຄອນຫຼວງວຽງຈັນ"),
    ("AT", "Attapeu", "ອັດຕະປື"),
    ("BK", "Bokeo", "ບໍ່ແກ້ວ"),
    ("BL", "Bolikhamxay", "ບໍລິຄຳໄຊ"),
    ("CH", "Champasak", "ຈຳປາສັກ"),
    ("HO", "Houaphanh", "ຫົວພັນ"),
    ("KH", "Khammouane", "ຄຳມ່ວນ"),
    ("LM", "Luang Namtha", "ຫຼວງນ້ຳທາ"),
    ("LP", "Luang Prabang", "ຫຼວງພະບາງ"),
    ("OU", "Oudomxay", "ອຸດົມໄຊ"),
    ("PH", "Phongsaly", "ຜົ້ງສາລີ"),
    ("SL", "Salavan", "ສາລະວັນ"),
    ("SV", "Savannakhet", "ສະຫວັນນະເຂດ"),
    ("VI", "Vientiane Province", "ແຂວງວຽງຈັນ"),
    ("XA", "Xayabury", "ໄຊຍະບູລີ"),
    ("XE", "Sekong", "ເຊກອງ"),
    ("XI", "Xieng Khouang", "ຊຽງຂວາງ"),
    ("XS", "Xaisomboun", "ໄຊສົມບູນ"),
]

# Myanmar: seven regions, seven states and the Union Territory (ISO 3166-2:MM).
MYANMAR_PROVINCES = [
    ("01", "Sagaing Region", "စစ်ကိုင်းတိုင်း"),
    ("02", "Bago Region", "ပဲခူးတိုင်း"),
    ("03", "Magway Region", "မကွေးတိုင်း"),
    ("04", "Mandalay Region", "မန္တလေးတိုင်း"),
    ("05", "Tanintharyi Region", "တနင်္သာရီတိုင်း"),
    ("06", "Yangon Region", "ရန်ကုန်တိုင်း"),
    ("07", "Ayeyarwady Region", "ဧရာဝတီတိုင်း"),
    ("11", "Kachin State", "ကချင်ပြည်နယ်"),
    ("12", "Kayah State", "ကယားပြည်နယ်"),
    ("13", "Kayin State", "ကရင်ပြည်နယ်"),
    ("14", "Chin State", "ချင်းပြည်နယ်"),
    ("15", "Mon State", "မွန်ပြည်နယ်"),
    ("16", "Rakhine State", "ရခိုင်ပြည်နယ်"),
    ("17", "Shan State", "ရှမ်းပြည်နယ်"),
    ("18", "Naypyidaw Union Territory", "နေပြည်တော်"),
]
