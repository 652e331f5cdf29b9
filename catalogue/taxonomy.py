"""The OTOP product categories (the five of the Thai programme, used across the region) and
their sub-categories: slug, English, Thai, Japanese."""

CATEGORIES = [
    ("food", "Food", "อาหาร", "食品", [
        ("rice-and-grains", "Rice and grains", "ข้าวและธัญพืช", "米・穀物"),
        ("chili-pastes-and-sauces", "Chili pastes and sauces", "น้ำพริกและซอส", "チリペースト・ソース"),
        ("snacks-and-sweets", "Snacks and sweets", "ขนมและของว่าง", "菓子・スナック"),
        ("dried-and-preserved-fruit", "Dried and preserved fruit", "ผลไม้แปรรูป", "ドライフルーツ・果物加工品"),
        ("seasonings-and-condiments", "Seasonings and condiments", "เครื่องปรุงรส", "調味料"),
        ("fresh-produce-and-mushrooms", "Fresh produce and mushrooms", "ผลผลิตสดและเห็ด", "青果・きのこ"),
    ]),
    ("beverages", "Beverages", "เครื่องดื่ม", "飲料", [
        ("tea", "Tea", "ชา", "茶"),
        ("coffee", "Coffee", "กาแฟ", "コーヒー"),
        ("juices-and-syrups", "Juices and syrups", "น้ำผลไม้และน้ำเชื่อม", "ジュース・シロップ"),
        ("wines-and-spirits", "Community wines and spirits", "สุราและไวน์ชุมชน", "地酒・果実酒"),
    ]),
    ("textiles-garments", "Textiles and garments", "ผ้าและเครื่องแต่งกาย", "織物・衣類", [
        ("silk", "Silk", "ผ้าไหม", "シルク"),
        ("cotton", "Cotton", "ผ้าฝ้าย", "綿織物"),
        ("indigo-and-natural-dye", "Indigo and natural dyes", "ผ้าย้อมคราม/สีธรรมชาติ", "藍染・草木染"),
        ("clothing-and-accessories", "Clothing and accessories", "เสื้อผ้าและเครื่องประดับ", "衣類・小物"),
    ]),
    ("household-decor-handicrafts", "Household goods, decorations and handicrafts", "ของใช้ ของตกแต่ง ของที่ระลึก", "生活雑貨・装飾品・工芸品", [
        ("basketry", "Basketry and weaving", "เครื่องจักสาน", "かご・編み細工"),
        ("pottery-and-ceramics", "Pottery and ceramics", "เครื่องปั้นดินเผา", "陶磁器"),
        ("woodcraft", "Woodcraft", "งานไม้", "木工品"),
        ("lacquer-and-metal", "Lacquer and metalwork", "เครื่องเขินและโลหะ", "漆器・金工品"),
        ("paper-and-decorations", "Paper crafts and decorations", "งานกระดาษและของตกแต่ง", "紙工芸・装飾品"),
    ]),
    ("herbal-non-food", "Herbal products (not food)", "สมุนไพรที่ไม่ใช่อาหาร", "ハーブ製品（食品以外）", [
        ("balms-and-oils", "Balms and oils", "ยาหม่องและน้ำมัน", "バーム・オイル"),
        ("soaps-and-cosmetics", "Soaps and cosmetics", "สบู่และเครื่องสำอาง", "石けん・化粧品"),
        ("herbal-compresses-and-spa", "Herbal compresses and spa", "ลูกประคบและสปา", "ハーブボール・スパ用品"),
        ("incense-and-aroma", "Incense and aroma", "ธูปหอมและอโรมา", "お香・アロマ"),
    ]),
]


def load_categories(category_model) -> int:
    """Write the tree into `category_model` (the model itself, or a migration's historical one):
    idempotent, matched on slug, names updated. Returns how many categories it holds."""
    count = 0
    for position, (slug, en, th, ja, children) in enumerate(CATEGORIES):
        parent, _created = category_model.objects.update_or_create(
            slug=slug, defaults={"name_en": en, "name_th": th, "name_ja": ja, "position": position, "parent": None}
        )
        count += 1
        for child_position, (child_slug, child_en, child_th, child_ja) in enumerate(children):
            category_model.objects.update_or_create(
                slug=child_slug,
                defaults={"name_en": child_en, "name_th": child_th, "name_ja": child_ja, "position": child_position, "parent": parent},
            )
            count += 1
    return count
