"""Reference catalogue for Qalqan: pure data, no Django imports.

Regions, benefit categories, benefit codes, packages, billable service tariffs
and the revenue table from seed 000. Loaded into dated reference tables by a
migration or fixture; nothing here should be used as a constant in code.

Sources: /work/shared/DOMAIN.md, seeds 000, 001 and 003.
Money is in integer tiyn (1 ₸ = 100 tiyn) except REVENUE, which keeps the
seed's unit (thousand ₸).
"""

from datetime import date

# --------------------------------------------------------------------------
# Regions: exactly the 20 codes of DOMAIN.md, in that order.
# --------------------------------------------------------------------------

REGIONS = [
    {"code": "astana", "name_kk": "Астана қаласы", "name_ru": "город Астана", "name_en": "Astana"},
    {"code": "almaty_city", "name_kk": "Алматы қаласы", "name_ru": "город Алматы", "name_en": "Almaty (city)"},
    {"code": "shymkent", "name_kk": "Шымкент қаласы", "name_ru": "город Шымкент", "name_en": "Shymkent"},
    {"code": "abai", "name_kk": "Абай облысы", "name_ru": "область Абай", "name_en": "Abai Region"},
    {"code": "akmola", "name_kk": "Ақмола облысы", "name_ru": "Акмолинская область", "name_en": "Akmola Region"},
    {"code": "aktobe", "name_kk": "Ақтөбе облысы", "name_ru": "Актюбинская область", "name_en": "Aktobe Region"},
    {"code": "almaty", "name_kk": "Алматы облысы", "name_ru": "Алматинская область", "name_en": "Almaty Region"},
    {"code": "atyrau", "name_kk": "Атырау облысы", "name_ru": "Атырауская область", "name_en": "Atyrau Region"},
    {"code": "east_kazakhstan", "name_kk": "Шығыс Қазақстан облысы", "name_ru": "Восточно-Казахстанская область", "name_en": "East Kazakhstan Region"},
    {"code": "zhambyl", "name_kk": "Жамбыл облысы", "name_ru": "Жамбылская область", "name_en": "Zhambyl Region"},
    {"code": "zhetysu", "name_kk": "Жетісу облысы", "name_ru": "область Жетісу", "name_en": "Zhetysu Region"},
    {"code": "west_kazakhstan", "name_kk": "Батыс Қазақстан облысы", "name_ru": "Западно-Казахстанская область", "name_en": "West Kazakhstan Region"},
    {"code": "karaganda", "name_kk": "Қарағанды облысы", "name_ru": "Карагандинская область", "name_en": "Karaganda Region"},
    {"code": "kostanay", "name_kk": "Қостанай облысы", "name_ru": "Костанайская область", "name_en": "Kostanay Region"},
    {"code": "kyzylorda", "name_kk": "Қызылорда облысы", "name_ru": "Кызылординская область", "name_en": "Kyzylorda Region"},
    {"code": "mangystau", "name_kk": "Маңғыстау облысы", "name_ru": "Мангистауская область", "name_en": "Mangystau Region"},
    {"code": "pavlodar", "name_kk": "Павлодар облысы", "name_ru": "Павлодарская область", "name_en": "Pavlodar Region"},
    {"code": "north_kazakhstan", "name_kk": "Солтүстік Қазақстан облысы", "name_ru": "Северо-Казахстанская область", "name_en": "North Kazakhstan Region"},
    {"code": "turkistan", "name_kk": "Түркістан облысы", "name_ru": "Туркестанская область", "name_en": "Turkistan Region"},
    {"code": "ulytau", "name_kk": "Ұлытау облысы", "name_ru": "область Ұлытау", "name_en": "Ulytau Region"},
]

# --------------------------------------------------------------------------
# Benefit categories (dated). valid_to is exclusive; None = open-ended.
# group: privileged | mio | contributor
# payer: republican_budget | mio | self   ("self" = the person or employer)
# `unemployed` appears twice: republican budget until 2026-01-01, МИО after.
# --------------------------------------------------------------------------

CATEGORIES = [
    # ---- privileged: the state (republican budget) pays -----------------
    {
        "code": "child",
        "name_kk": "Балалар",
        "name_ru": "Дети",
        "name_en": "Children",
        "group": "privileged",
        "payer": "republican_budget",
        "valid_from": date(2020, 1, 1),
        "valid_to": None,
    },
    {
        "code": "pregnant",
        "name_kk": "Жұмыс істемейтін жүкті әйелдер",
        "name_ru": "Неработающие беременные женщины",
        "name_en": "Non-working pregnant women",
        "group": "privileged",
        "payer": "republican_budget",
        "valid_from": date(2020, 1, 1),
        "valid_to": None,
    },
    {
        "code": "parent_under3",
        "name_kk": "Үш жасқа толмаған баланы (балаларды) іс жүзінде тәрбиелеп отырған жұмыс істемейтін адамдар",
        "name_ru": "Неработающие лица, фактически воспитывающие ребёнка (детей) до достижения им трёх лет",
        "name_en": "Non-working persons actually raising a child (children) under the age of three",
        "group": "privileged",
        "payer": "republican_budget",
        "valid_from": date(2020, 1, 1),
        "valid_to": None,
    },
    {
        "code": "childcare_leave",
        "name_kk": "Бала тууына, жаңа туған баланы асырап алуына байланысты, сондай-ақ бала үш жасқа толғанға дейін оның күтіміне байланысты демалыстағы адамдар",
        "name_ru": "Лица, находящиеся в отпуске в связи с рождением ребёнка, усыновлением (удочерением) новорождённого, а также по уходу за ребёнком до достижения им трёх лет",
        "name_en": "Persons on maternity, adoption or childcare leave until the child turns three",
        "group": "privileged",
        "payer": "republican_budget",
        "valid_from": date(2020, 1, 1),
        "valid_to": None,
    },
    {
        "code": "carer_disabled_child",
        "name_kk": "Мүгедектігі бар баланы күтіп-бағуды жүзеге асыратын жұмыс істемейтін адамдар",
        "name_ru": "Неработающие лица, осуществляющие уход за ребёнком с инвалидностью",
        "name_en": "Non-working carers of a child with a disability",
        "group": "privileged",
        "payer": "republican_budget",
        "valid_from": date(2020, 1, 1),
        "valid_to": None,
    },
    {
        "code": "pensioner",
        "name_kk": "Зейнетақы төлемдерін алушылар, оның ішінде Ұлы Отан соғысының қатысушылары мен мүгедектігі бар ардагерлері",
        "name_ru": "Получатели пенсионных выплат, в том числе участники и лица с инвалидностью Великой Отечественной войны",
        "name_en": "Pension recipients, including WWII participants and veterans with disabilities",
        "group": "privileged",
        "payer": "republican_budget",
        "valid_from": date(2020, 1, 1),
        "valid_to": None,
    },
    {
        "code": "prisoner",
        "name_kk": "Қылмыстық-атқару (пенитенциарлық) жүйесі мекемелерінде сот үкімі бойынша жазасын өтеп жатқан адамдар (ең төменгі қауіпсіздік мекемелерін қоспағанда)",
        "name_ru": "Лица, отбывающие наказание по приговору суда в учреждениях уголовно-исполнительной (пенитенциарной) системы (за исключением учреждений минимальной безопасности)",
        "name_en": "Persons serving a court sentence in penal institutions (except minimum-security institutions)",
        "group": "privileged",
        "payer": "republican_budget",
        "valid_from": date(2020, 1, 1),
        "valid_to": None,
    },
    {
        "code": "detainee",
        "name_kk": "Уақытша ұстау изоляторларында және тергеу изоляторларында ұсталатын адамдар",
        "name_ru": "Лица, содержащиеся в изоляторах временного содержания и следственных изоляторах",
        "name_en": "Persons held in temporary detention facilities and pre-trial detention centres",
        "group": "privileged",
        "payer": "republican_budget",
        "valid_from": date(2020, 1, 1),
        "valid_to": None,
    },
    {
        "code": "kandas",
        "name_kk": "Жұмыс істемейтін қандастар",
        "name_ru": "Неработающие кандасы",
        "name_en": "Non-working kandas (ethnic Kazakh repatriates)",
        "group": "privileged",
        "payer": "republican_budget",
        "valid_from": date(2020, 1, 1),
        "valid_to": None,
    },
    {
        "code": "large_family_mother",
        "name_kk": "«Алтын алқа», «Күміс алқа» алқаларымен наградталған немесе бұрын «Батыр ана» атағын алған, сондай-ақ I және II дәрежелі «Ана даңқы» орденімен наградталған көп балалы аналар",
        "name_ru": "Многодетные матери, награждённые подвесками «Алтын алқа», «Күміс алқа» или получившие ранее звание «Мать-героиня», а также награждённые орденами «Материнская слава» I и II степени",
        "name_en": "Mothers of many children awarded the «Altyn alqa» or «Kümis alqa» pendants, formerly awarded the title «Mother Heroine», or the Order of «Maternal Glory» of the I or II degree",
        "group": "privileged",
        "payer": "republican_budget",
        "valid_from": date(2020, 1, 1),
        "valid_to": None,
    },
    {
        "code": "disabled",
        "name_kk": "Мүгедектігі бар адамдар",
        "name_ru": "Лица с инвалидностью",
        "name_en": "Persons with disabilities",
        "group": "privileged",
        "payer": "republican_budget",
        "valid_from": date(2020, 1, 1),
        "valid_to": None,
    },
    {
        "code": "student",
        "name_kk": "Техникалық және кәсіптік, орта білімнен кейінгі, жоғары және жоғары оқу орнынан кейінгі білім беру ұйымдарында күндізгі оқу нысаны бойынша білім алушылар",
        "name_ru": "Лица, обучающиеся по очной форме обучения в организациях технического и профессионального, послесреднего, высшего и послевузовского образования",
        "name_en": "Full-time students of vocational, post-secondary, higher and postgraduate education institutions",
        "group": "privileged",
        "payer": "republican_budget",
        "valid_from": date(2020, 1, 1),
        "valid_to": None,
    },
    {
        "code": "carer_group1",
        "name_kk": "Бала кезінен бірінші топтағы мүгедектігі бар адамды күтіп-бағуды жүзеге асыратын жұмыс істемейтін адамдар",
        "name_ru": "Неработающие лица, осуществляющие уход за лицом с инвалидностью первой группы с детства",
        "name_en": "Non-working carers of a person with a group I disability since childhood",
        "group": "privileged",
        "payer": "republican_budget",
        "valid_from": date(2020, 1, 1),
        "valid_to": None,
    },
    {
        "code": "social_assistance",
        "name_kk": "Атаулы әлеуметтік көмек алатын жұмыс істемейтін адамдар",
        "name_ru": "Неработающие получатели адресной социальной помощи",
        "name_en": "Non-working recipients of targeted social assistance",
        "group": "privileged",
        "payer": "republican_budget",
        "valid_from": date(2020, 1, 1),
        "valid_to": None,
    },
    # NB: `house_arrest` is in DOMAIN.md's code list but not in its prose list
    # of the 15 privileged categories; kept as instructed, verify the legal basis.
    {
        "code": "house_arrest",
        "name_kk": "Үйде қамауда ұсталатын адамдар",
        "name_ru": "Лица, находящиеся под домашним арестом",
        "name_en": "Persons under house arrest",
        "group": "privileged",
        "payer": "republican_budget",
        "valid_from": date(2020, 1, 1),
        "valid_to": None,
    },
    # ---- unemployed: republican budget until 2026, then МИО ---------------
    {
        "code": "unemployed",
        "name_kk": "Жұмыссыз ретінде тіркелген адамдар",
        "name_ru": "Лица, зарегистрированные в качестве безработных",
        "name_en": "Registered unemployed persons",
        "group": "privileged",
        "payer": "republican_budget",
        "valid_from": date(2020, 1, 1),
        "valid_to": date(2026, 1, 1),
    },
    {
        "code": "unemployed",
        "name_kk": "Жұмыссыз ретінде тіркелген адамдар",
        "name_ru": "Лица, зарегистрированные в качестве безработных",
        "name_en": "Registered unemployed persons",
        "group": "mio",
        "payer": "mio",
        "valid_from": date(2026, 1, 1),
        "valid_to": None,
    },
    # ---- paid by local executive bodies (МИО) from 2026 ------------------
    {
        "code": "sswl_d",
        "name_kk": "Әлеуметтік әл-ауқаттың дағдарыстық (D) деңгейіндегі жұмыс істемейтін адамдар",
        "name_ru": "Неработающие лица с кризисным (D) уровнем социального благополучия",
        "name_en": "Non-working persons at the crisis (D) level of social well-being",
        "group": "mio",
        "payer": "mio",
        "valid_from": date(2026, 1, 1),
        "valid_to": None,
    },
    {
        "code": "sswl_e",
        "name_kk": "Әлеуметтік әл-ауқаттың төтенше (E) деңгейіндегі жұмыс істемейтін адамдар",
        "name_ru": "Неработающие лица с экстренным (E) уровнем социального благополучия",
        "name_en": "Non-working persons at the emergency (E) level of social well-being",
        "group": "mio",
        "payer": "mio",
        "valid_from": date(2026, 1, 1),
        "valid_to": None,
    },
    # ---- contributors: the person or their employer pays -----------------
    {
        "code": "employee",
        "name_kk": "Жалдамалы жұмыскерлер",
        "name_ru": "Наёмные работники",
        "name_en": "Employees",
        "group": "contributor",
        "payer": "self",
        "valid_from": date(2020, 1, 1),
        "valid_to": None,
    },
    {
        "code": "individual_entrepreneur",
        "name_kk": "Дара кәсіпкерлер",
        "name_ru": "Индивидуальные предприниматели",
        "name_en": "Individual entrepreneurs",
        "group": "contributor",
        "payer": "self",
        "valid_from": date(2020, 1, 1),
        "valid_to": None,
    },
    {
        "code": "self_payer",
        "name_kk": "Жарналарды өз бетінше төлейтін жеке тұлғалар",
        "name_ru": "Физические лица, самостоятельно уплачивающие взносы",
        "name_en": "Individuals paying contributions on their own (self-payers)",
        "group": "contributor",
        "payer": "self",
        "valid_from": date(2020, 1, 1),
        "valid_to": None,
    },
    {
        "code": "platform_worker",
        "name_kk": "Платформалық жұмыспен қамтылған адамдар",
        "name_ru": "Лица, занятые в платформенной занятости",
        "name_en": "Platform workers (self-employed via online platforms)",
        "group": "contributor",
        "payer": "self",
        "valid_from": date(2026, 1, 1),
        "valid_to": None,
    },
]

# --------------------------------------------------------------------------
# Benefit codes (DOMAIN.md "Packages and benefit codes").
# pmsp is in ГОБМП until the 2027 move of primary care to ОСМС (seed 003).
# --------------------------------------------------------------------------

BENEFITS = [
    {
        "code": "emergency",
        "name_kk": "Жедел және шұғыл медициналық көмек",
        "name_ru": "Скорая и экстренная медицинская помощь",
        "name_en": "Emergency care",
        "package": "gobmp",
        "description_kk": "Жедел жәрдем, санитариялық авиация және өмірге қауіп төнгенде шұғыл емдеуге жатқызу, оның ішінде сақтандырылмағандар үшін.",
        "description_ru": "Скорая помощь, санитарная авиация и экстренная госпитализация при угрозе жизни, в том числе для незастрахованных.",
        "description_en": "Ambulance, air ambulance and emergency hospital admission for life-threatening conditions, including for the uninsured.",
    },
    {
        "code": "pmsp",
        "name_kk": "Медициналық-санитариялық алғашқы көмек (МСАК)",
        "name_ru": "Первичная медико-санитарная помощь (ПМСП)",
        "name_en": "Primary health care",
        "package": "gobmp",
        "description_kk": "Тіркелген емханадағы учаскелік дәрігердің, жалпы практика дәрігерінің және мейіргердің көмегі.",
        "description_ru": "Помощь участкового врача, врача общей практики и медсестры в поликлинике прикрепления.",
        "description_en": "Care from your district doctor, general practitioner and nurse at the polyclinic you are registered with.",
    },
    {
        "code": "kdu",
        "name_kk": "Консультациялық-диагностикалық қызметтер",
        "name_ru": "Консультативно-диагностические услуги",
        "name_en": "Specialist consultations and diagnostics",
        "package": "osms",
        "description_kk": "Бейінді мамандардың кеңестері, зертханалық және аспаптық зерттеулер (әлеуметтік мәні бар аурулар кезінде ТМККК аясында).",
        "description_ru": "Консультации профильных специалистов, лабораторные и инструментальные исследования (при социально значимых заболеваниях — в рамках ГОБМП).",
        "description_en": "Specialist consultations, laboratory tests and imaging (covered by the free guaranteed package for socially significant diseases).",
    },
    {
        "code": "day_hospital",
        "name_kk": "Стационарды алмастыратын көмек (күндізгі стационар)",
        "name_ru": "Стационарозамещающая помощь (дневной стационар)",
        "name_en": "Day hospital care",
        "package": "osms",
        "description_kk": "Тәулік бойы бақылауды қажет етпейтін, күндізгі стационарда немесе үйде көрсетілетін емдеу.",
        "description_ru": "Лечение в дневном стационаре или на дому, когда не нужно круглосуточное наблюдение.",
        "description_en": "Treatment in a day hospital or at home when round-the-clock observation is not needed.",
    },
    {
        "code": "inpatient",
        "name_kk": "Жоспарлы стационарлық көмек",
        "name_ru": "Плановая стационарная помощь",
        "name_en": "Planned inpatient care",
        "package": "osms",
        "description_kk": "Жолдама бойынша ауруханаға жоспарлы түрде жатқызу және тәулік бойы емдеу.",
        "description_ru": "Плановая госпитализация по направлению и круглосуточное лечение в больнице.",
        "description_en": "Planned hospital admission on referral with round-the-clock treatment.",
    },
    {
        "code": "htmc",
        "name_kk": "Жоғары технологиялық медициналық көмек (ЖТМК)",
        "name_ru": "Высокотехнологичная медицинская помощь (ВТМП)",
        "name_en": "High-technology medical care",
        "package": "osms",
        "description_kk": "Ағзаларды транспланттау, жүрекке жасалатын операциялар, буындарды эндопротездеу сияқты күрделі емдеу.",
        "description_ru": "Сложное лечение: трансплантация органов, операции на сердце, эндопротезирование суставов.",
        "description_en": "Complex treatment such as organ transplants, heart surgery and joint replacement.",
    },
    {
        "code": "rehab",
        "name_kk": "Медициналық оңалту",
        "name_ru": "Медицинская реабилитация",
        "name_en": "Medical rehabilitation",
        "package": "osms",
        "description_kk": "Ауыр аурудан, жарақаттан немесе операциядан кейін ағза функцияларын қалпына келтіру.",
        "description_ru": "Восстановление функций организма после тяжёлой болезни, травмы или операции.",
        "description_en": "Restoring body functions after a serious illness, injury or surgery.",
    },
    {
        "code": "drugs",
        "name_kk": "Амбулаториялық дәрі-дәрмекпен қамтамасыз ету (АДҚ)",
        "name_ru": "Амбулаторное лекарственное обеспечение (АЛО)",
        "name_en": "Outpatient drug supply",
        "package": "osms",
        "description_kk": "Созылмалы аурулар кезінде рецепт бойынша тегін берілетін дәрілер (ТМККК-дан тыс бөлігі).",
        "description_ru": "Бесплатные лекарства по рецепту при хронических заболеваниях (сверх ГОБМП).",
        "description_en": "Free prescription medicines for chronic diseases beyond the guaranteed free package.",
    },
    {
        "code": "dental",
        "name_kk": "Стоматологиялық көмек",
        "name_ru": "Стоматологическая помощь",
        "name_en": "Dental care",
        "package": "dms",
        "description_kk": "Тіс емдеу, пломба қою және тісті кәсіби тазалау.",
        "description_ru": "Лечение зубов, пломбирование и профессиональная гигиена полости рта.",
        "description_en": "Dental treatment, fillings and professional cleaning.",
    },
    {
        "code": "checkup",
        "name_kk": "Чекап (кешенді тексеру)",
        "name_ru": "Чекап (комплексное обследование)",
        "name_en": "Health check-up",
        "package": "dms",
        "description_kk": "Шағымы жоқ адамға арналған талдаулар мен зерттеулердің кешенді бағдарламасы.",
        "description_ru": "Комплексная программа анализов и обследований для человека без жалоб.",
        "description_en": "A bundled programme of tests and examinations for a person without complaints.",
    },
    {
        "code": "service",
        "name_kk": "Сервистік қызметтер (жоғары жайлылық)",
        "name_ru": "Сервисные услуги (повышенная комфортность)",
        "name_en": "Comfort services",
        "package": "dms",
        "description_kk": "Бір орындық палата, дәрігерді таңдау және өзге де жайлылық қызметтері.",
        "description_ru": "Одноместная палата, выбор врача и другие услуги повышенной комфортности.",
        "description_en": "Single-bed ward, choice of doctor and other comfort services.",
    },
    {
        "code": "abroad",
        "name_kk": "Шетелде емделу",
        "name_ru": "Лечение за рубежом",
        "name_en": "Care abroad",
        "package": "dms",
        "description_kk": "Шетелдік клиникаларда кеңес алу және емделу.",
        "description_ru": "Консультации и лечение в зарубежных клиниках.",
        "description_en": "Consultations and treatment in clinics outside Kazakhstan.",
    },
]

# --------------------------------------------------------------------------
# Packages.
# --------------------------------------------------------------------------

PACKAGES = [
    {
        "code": "gobmp",
        "name_kk": "Тегін медициналық көмектің кепілдік берілген көлемі (ТМККК)",
        "name_ru": "Гарантированный объём бесплатной медицинской помощи (ГОБМП)",
        "name_en": "Guaranteed volume of free medical care",
        "summary_kk": "Сақтандыру мәртебесіне қарамастан барлық азаматтар мен қандастарға қолжетімді. Оған жедел жәрдем, шұғыл көмек, әлеуметтік мәні бар аурулар кезіндегі көмек, скринингтер және алғашқы медициналық көмек кіреді. Республикалық бюджет есебінен қаржыландырылады.",
        "summary_ru": "Доступен всем гражданам и кандасам независимо от статуса застрахованности. Включает скорую и экстренную помощь, помощь при социально значимых заболеваниях, скрининги и первичную медико-санитарную помощь. Финансируется из республиканского бюджета.",
        "summary_en": "Available to every citizen and kandas whatever their insurance status. It covers ambulance and emergency care, treatment of socially significant diseases, screenings and primary care. It is paid for from the republican budget.",
    },
    {
        "code": "osms",
        "name_kk": "Міндетті әлеуметтік медициналық сақтандыру (МӘМС)",
        "name_ru": "Обязательное социальное медицинское страхование (ОСМС)",
        "name_en": "Mandatory social health insurance",
        "summary_kk": "Тек сақтандырылған адамдарға арналған: мамандардың кеңестері мен диагностика, жоспарлы және күндізгі стационар, жоғары технологиялық көмек, оңалту және дәрі-дәрмекпен қамтамасыз ету. Жарналарды жұмыс берушілер, жұмыскерлер, дара кәсіпкерлер мен өз бетінше төлеушілер, ал жеңілдікті санаттар үшін мемлекет пен жергілікті атқарушы органдар төлейді.",
        "summary_ru": "Только для застрахованных: консультации специалистов и диагностика, плановый и дневной стационар, высокотехнологичная помощь, реабилитация и лекарственное обеспечение. Взносы платят работодатели, работники, ИП и самостоятельные плательщики, а за льготные категории — государство и местные исполнительные органы.",
        "summary_en": "For insured people only: specialist care and diagnostics, planned and day-hospital treatment, high-technology care, rehabilitation and outpatient medicines. Contributions come from employers, employees, entrepreneurs and self-payers, while the state and local authorities pay for privileged groups.",
    },
    {
        "code": "dms",
        "name_kk": "Ерікті медициналық сақтандыру (ЕМС)",
        "name_ru": "Добровольное медицинское страхование (ДМС)",
        "name_en": "Voluntary health insurance",
        "summary_kk": "Жеке сақтандыру компаниялары сататын қосымша полис: стоматология, чекап, сервистік қызметтер және шетелде емделу. Оны адамның өзі немесе жұмыс беруші төлейді; МӘМС-пен біріктірілген кеңейтілген полисте азамат тек субсидиядан асатын айырманы төлейді.",
        "summary_ru": "Дополнительный полис частных страховых компаний: стоматология, чекапы, сервисные услуги и лечение за рубежом. Оплачивает сам человек или работодатель; в расширенном полисе вместе с ОСМС гражданин доплачивает только разницу сверх субсидии.",
        "summary_en": "An extra policy sold by private insurers covering dentistry, check-ups, comfort services and care abroad. The person or their employer pays for it; in an extended policy combined with ОСМС, the citizen pays only the difference above the subsidy.",
    },
]

# --------------------------------------------------------------------------
# Billable services (demo tariff list, integer tiyn; 1 ₸ = 100 tiyn).
# Price levels are illustrative; seed-backed ones are marked.
# --------------------------------------------------------------------------

SERVICE_TARIFFS = [
    # emergency (ГОБМП)
    {"code": "EMG-001", "benefit": "emergency", "name_kk": "Жедел жәрдем бригадасын шақыру", "name_ru": "Вызов бригады скорой медицинской помощи", "name_en": "Ambulance call-out", "tariff_tiyn": 1_800_000},
    {"code": "EMG-002", "benefit": "emergency", "name_kk": "Санитариялық авиация ұшуы", "name_ru": "Вылет санитарной авиации", "name_en": "Air ambulance flight", "tariff_tiyn": 95_000_000},
    {"code": "EMG-003", "benefit": "emergency", "name_kk": "Шұғыл стационарлық емдеу жағдайы", "name_ru": "Случай экстренной госпитализации", "name_en": "Emergency inpatient case", "tariff_tiyn": 18_000_000},
    # primary care
    {"code": "PMSP-001", "benefit": "pmsp", "name_kk": "Жалпы практика дәрігерінің қабылдауы", "name_ru": "Приём врача общей практики", "name_en": "General practitioner visit", "tariff_tiyn": 350_000},
    {"code": "PMSP-002", "benefit": "pmsp", "name_kk": "Дәрігердің үйге баруы (патронаж)", "name_ru": "Посещение врача на дому (патронаж)", "name_en": "Home visit by a doctor", "tariff_tiyn": 450_000},
    {"code": "PMSP-003", "benefit": "pmsp", "name_kk": "Профилактикалық скрининг", "name_ru": "Профилактический скрининг", "name_en": "Preventive screening", "tariff_tiyn": 600_000},
    # consultative-diagnostic services
    {"code": "KDU-001", "benefit": "kdu", "name_kk": "Бейінді маманның кеңесі", "name_ru": "Консультация профильного специалиста", "name_en": "Specialist consultation", "tariff_tiyn": 500_000},
    {"code": "KDU-002", "benefit": "kdu", "name_kk": "Жалпы қан талдауы", "name_ru": "Общий анализ крови", "name_en": "Complete blood count", "tariff_tiyn": 120_000},
    {"code": "KDU-003", "benefit": "kdu", "name_kk": "Электрокардиография (ЭКГ)", "name_ru": "Электрокардиография (ЭКГ)", "name_en": "Electrocardiogram (ECG)", "tariff_tiyn": 180_000},
    {"code": "KDU-004", "benefit": "kdu", "name_kk": "Іш қуысы ағзаларын ультрадыбыстық зерттеу", "name_ru": "УЗИ органов брюшной полости", "name_en": "Abdominal ultrasound", "tariff_tiyn": 650_000},
    {"code": "KDU-005", "benefit": "kdu", "name_kk": "Компьютерлік томография (КТ)", "name_ru": "Компьютерная томография (КТ)", "name_en": "CT scan", "tariff_tiyn": 1_800_000},
    {"code": "KDU-006", "benefit": "kdu", "name_kk": "Магниттік-резонанстық томография (МРТ)", "name_ru": "Магнитно-резонансная томография (МРТ)", "name_en": "MRI scan", "tariff_tiyn": 2_500_000},
    # day hospital
    {"code": "DH-001", "benefit": "day_hospital", "name_kk": "Күндізгі стационардағы бір күн", "name_ru": "Один день в дневном стационаре", "name_en": "One day in a day hospital", "tariff_tiyn": 2_000_000},
    {"code": "DH-002", "benefit": "day_hospital", "name_kk": "Бағдарламалық гемодиализ сеансы", "name_ru": "Сеанс программного гемодиализа", "name_en": "Haemodialysis session", "tariff_tiyn": 3_200_000},
    # planned inpatient
    {"code": "INP-001", "benefit": "inpatient", "name_kk": "Жоспарлы терапиялық емдеу жағдайы", "name_ru": "Плановый терапевтический случай госпитализации", "name_en": "Planned medical inpatient case", "tariff_tiyn": 25_000_000},
    {"code": "INP-002", "benefit": "inpatient", "name_kk": "Лапароскопиялық холецистэктомия", "name_ru": "Лапароскопическая холецистэктомия", "name_en": "Laparoscopic cholecystectomy", "tariff_tiyn": 38_000_000},
    {"code": "INP-010", "benefit": "inpatient", "name_kk": "Жоспарлы хирургиялық емдеу жағдайы", "name_ru": "Плановый хирургический случай госпитализации", "name_en": "Planned surgical inpatient case", "tariff_tiyn": 32_000_000},
    # high-technology care
    # HTMC-001: 4.8 million ₸ per DOMAIN.md / seed 001 (seed 003 shows 5 168 295.4).
    {"code": "HTMC-001", "benefit": "htmc", "name_kk": "Бүйрек транспланттау", "name_ru": "Трансплантация почки", "name_en": "Kidney transplant", "tariff_tiyn": 480_000_000},
    # HTMC-002 and HTMC-003: figures from seed 003 (read as ₸ per case).
    {"code": "HTMC-002", "benefit": "htmc", "name_kk": "Аортокоронарлық шунттау", "name_ru": "Аортокоронарное шунтирование", "name_en": "Coronary artery bypass grafting", "tariff_tiyn": 307_847_296},
    {"code": "HTMC-003", "benefit": "htmc", "name_kk": "Ірі буындарды ревизиялық эндопротездеу", "name_ru": "Ревизионное эндопротезирование крупных суставов", "name_en": "Revision joint replacement", "tariff_tiyn": 212_076_581},
    {"code": "HTMC-004", "benefit": "htmc", "name_kk": "Жүрек тамырларын стенттеу", "name_ru": "Стентирование коронарных артерий", "name_en": "Coronary stenting", "tariff_tiyn": 130_000_000},
    # rehabilitation
    {"code": "REH-001", "benefit": "rehab", "name_kk": "Стационарлық оңалту курсы (10 күн)", "name_ru": "Курс стационарной реабилитации (10 дней)", "name_en": "Inpatient rehabilitation course (10 days)", "tariff_tiyn": 28_000_000},
    {"code": "REH-002", "benefit": "rehab", "name_kk": "Амбулаториялық оңалту сеансы", "name_ru": "Сеанс амбулаторной реабилитации", "name_en": "Outpatient rehabilitation session", "tariff_tiyn": 700_000},
    # outpatient drugs
    {"code": "DRG-001", "benefit": "drugs", "name_kk": "Қант диабеті кезінде дәрімен бір ай қамтамасыз ету (АДҚ)", "name_ru": "Лекарственное обеспечение при сахарном диабете на месяц (АЛО)", "name_en": "One month of diabetes medicines (outpatient supply)", "tariff_tiyn": 2_500_000},
    {"code": "DRG-002", "benefit": "drugs", "name_kk": "Артериялық гипертензия кезінде дәрімен бір ай қамтамасыз ету (АДҚ)", "name_ru": "Лекарственное обеспечение при артериальной гипертензии на месяц (АЛО)", "name_en": "One month of hypertension medicines (outpatient supply)", "tariff_tiyn": 800_000},
    # voluntary (ДМС)
    {"code": "DEN-001", "benefit": "dental", "name_kk": "Фотополимерлі пломба қою", "name_ru": "Постановка светоотверждаемой пломбы", "name_en": "Composite dental filling", "tariff_tiyn": 1_500_000},
    {"code": "DEN-002", "benefit": "dental", "name_kk": "Тісті кәсіби гигиеналық тазалау", "name_ru": "Профессиональная гигиена полости рта", "name_en": "Professional dental cleaning", "tariff_tiyn": 1_800_000},
    {"code": "CHK-001", "benefit": "checkup", "name_kk": "Базалық чекап", "name_ru": "Базовый чекап", "name_en": "Basic check-up", "tariff_tiyn": 4_500_000},
    {"code": "CHK-002", "benefit": "checkup", "name_kk": "Кеңейтілген чекап", "name_ru": "Расширенный чекап", "name_en": "Extended check-up", "tariff_tiyn": 12_000_000},
    {"code": "SRV-001", "benefit": "service", "name_kk": "Бір орындық палатада бір күн", "name_ru": "Один день в одноместной палате", "name_en": "One day in a single-bed ward", "tariff_tiyn": 2_500_000},
    {"code": "ABR-001", "benefit": "abroad", "name_kk": "Шетелдік клиниканың қашықтан кеңесі (екінші пікір)", "name_ru": "Дистанционная консультация зарубежной клиники (второе мнение)", "name_en": "Remote second opinion from a foreign clinic", "tariff_tiyn": 25_000_000},
]

# --------------------------------------------------------------------------
# Revenue table, seed 000 ("Доходы", thousand ₸), exactly as in the seed.
# The seed also gives the total row (ИТОГО); it equals ОСМС + ГОБМП each year.
# --------------------------------------------------------------------------

REVENUE = [
    {"year": 2020, "osms_thousand_kzt": 252_623_355, "gobmp_thousand_kzt": 1_127_672_000, "total_thousand_kzt": 1_380_295_355},
    {"year": 2021, "osms_thousand_kzt": 403_102_517, "gobmp_thousand_kzt": 1_443_253_000, "total_thousand_kzt": 1_846_355_517},
    {"year": 2022, "osms_thousand_kzt": 656_948_270, "gobmp_thousand_kzt": 1_231_000_389, "total_thousand_kzt": 1_887_948_659},
    {"year": 2023, "osms_thousand_kzt": 818_465_283, "gobmp_thousand_kzt": 1_558_229_274, "total_thousand_kzt": 2_376_694_557},
    {"year": 2024, "osms_thousand_kzt": 960_438_439, "gobmp_thousand_kzt": 1_620_161_343, "total_thousand_kzt": 2_580_599_782},
    {"year": 2025, "osms_thousand_kzt": 1_019_918_959, "gobmp_thousand_kzt": 1_713_593_000, "total_thousand_kzt": 2_733_511_959},
]
