"""Public site content for Qalqan (kk / ru / en): pure data, no Django imports.

Written in our own words from seeds 003 (status check, what to do if not
insured, who pays) and 004 (ОСМС FAQ, 2016), with figures brought up to date
from /work/shared/DOMAIN.md where the 2016 FAQ is outdated. Rates and caps
quoted here are for 2025–2026; the authoritative values live in the dated
reference tables, so update this text when those tables change.

HTML fields use only <p>, <ul>/<li> and <strong>.
"""

from datetime import date

# --------------------------------------------------------------------------
# Home page
# --------------------------------------------------------------------------

HOME = {
    "title_kk": "Qalqan — медициналық сақтандыру порталы",
    "title_ru": "Qalqan — портал медицинского страхования",
    "title_en": "Qalqan — the health insurance portal",
    "intro_kk": (
        "Сақтандырылғаныңызды бір минутта тексеріңіз, сіз үшін жарнаны кім төлейтінін және "
        "ТМККК, МӘМС пен ерікті сақтандыру аясында қандай көмекке құқығыңыз бар екенін біліңіз. "
        "Сіздің атыңыздан көрсетілген әрбір медициналық қызмет туралы хабарлама аласыз."
    ),
    "intro_ru": (
        "Проверьте свой статус застрахованности за минуту, узнайте, кто платит за вас взносы и на какую "
        "помощь вы имеете право в рамках ГОБМП, ОСМС и добровольного страхования. "
        "О каждой медицинской услуге, оказанной на ваше имя, вы получите уведомление."
    ),
    "intro_en": (
        "Check your insurance status in a minute, find out who pays your contributions and what care you "
        "are entitled to under the free guaranteed package, mandatory insurance (ОСМС) and voluntary cover. "
        "You are notified of every medical service billed in your name."
    ),
}

# --------------------------------------------------------------------------
# Explainer pages
# --------------------------------------------------------------------------

EXPLAINERS = [
    # ------------------------------------------------------------------
    {
        "slug": "check-status",
        "menu_title_kk": "Мәртебені тексеру",
        "menu_title_ru": "Проверить статус",
        "menu_title_en": "Check your status",
        "title_kk": "Сақтандыру мәртебесін қалай тексеруге болады",
        "title_ru": "Как проверить статус застрахованности",
        "title_en": "How to check your insurance status",
        "intro_kk": "Дәрігерге барар алдында сақтандырылғаныңызды тексеріп алыңыз: ол үшін тек ЖСН қажет.",
        "intro_ru": "Перед визитом к врачу убедитесь, что вы застрахованы: для проверки нужен только ИИН.",
        "intro_en": "Before you see a doctor, make sure you are insured: all you need is your IIN.",
        "body_kk": (
            "<p>Мәртебені тексерудің бірнеше тәсілі бар, олардың барлығы тегін. Қай тәсілді таңдасаңыз да, "
            "нәтиже бірдей болады.</p>"
            "<p><strong>«Сақтандырылған»</strong> деген жазба МӘМС пакетіндегі көмекті ала алатыныңызды білдіреді. "
            "<strong>«Сақтандырылмаған»</strong> деп шықса да, жедел жәрдем, шұғыл көмек және әлеуметтік мәні бар "
            "аурулар кезіндегі көмек (ТМККК) сізге бәрібір көрсетіледі.</p>"
            "<p>Жарна бойынша берешекті де дәл осы жерден тексеруге болады.</p>"
        ),
        "body_ru": (
            "<p>Проверить статус можно несколькими способами, все они бесплатные и показывают одинаковый "
            "результат.</p>"
            "<p>Статус <strong>«Застрахован»</strong> означает, что вам доступна помощь из пакета ОСМС. "
            "Даже если вы <strong>не застрахованы</strong>, скорая и экстренная помощь, а также помощь при "
            "социально значимых заболеваниях (ГОБМП) вам всё равно положены.</p>"
            "<p>Там же можно узнать, есть ли у вас задолженность по взносам.</p>"
        ),
        "body_en": (
            "<p>There are several ways to check your status; all are free and give the same answer.</p>"
            "<p><strong>Insured</strong> means you can receive care from the ОСМС package. Even if you are "
            "<strong>not insured</strong>, you are still entitled to ambulance and emergency care and to "
            "treatment of socially significant diseases under the free guaranteed package (ГОБМП).</p>"
            "<p>The same services also show whether you owe any contributions.</p>"
        ),
        "steps": [
            {
                "title_kk": "Әлеуметтік медициналық сақтандыру қорының сайты",
                "title_ru": "Сайт Фонда социального медицинского страхования",
                "title_en": "The Social Health Insurance Fund website",
                "text_kk": "Қордың сайтында «Мәртебені тексеру» бөлімін ашып, ЖСН-ді енгізіңіз — мәртебе экранда бірден көрінеді.",
                "text_ru": "На сайте Фонда откройте раздел «Проверить статус», введите ИИН — статус сразу появится на экране.",
                "text_en": "On the Fund's website open the “Check status” section and enter your IIN; the status appears right away.",
            },
            {
                "title_kk": "eGov.kz порталы",
                "title_ru": "Портал eGov.kz",
                "title_en": "The eGov.kz portal",
                "text_kk": "Порталға кіріп, «Денсаулық сақтау» бөлімінен сақтандыру мәртебесін тексеру қызметін таңдаңыз.",
                "text_ru": "Авторизуйтесь на портале и в разделе «Здравоохранение» выберите услугу проверки статуса застрахованности.",
                "text_en": "Sign in to the portal and, under “Healthcare”, choose the insurance status check service.",
            },
            {
                "title_kk": "1414 байланыс орталығы",
                "title_ru": "Контакт-центр 1414",
                "title_en": "Call centre 1414",
                "text_kk": "1414 нөміріне қоңырау шалып, операторға ЖСН-ді айтыңыз — ол мәртебеңізді хабарлайды.",
                "text_ru": "Позвоните по номеру 1414 и назовите оператору свой ИИН — вам сообщат статус.",
                "text_en": "Call 1414 and tell the operator your IIN; they will tell you your status.",
            },
            {
                "title_kk": "Telegram-бот @SaqtandyryBot",
                "title_ru": "Telegram-бот @SaqtandyryBot",
                "title_en": "Telegram bot @SaqtandyryBot",
                "text_kk": "Ботта сақтандыру мәртебесін анықтау бөлімін таңдап, ЖСН-ді жіберіңіз.",
                "text_ru": "Выберите в боте раздел определения статуса застрахованности и отправьте свой ИИН.",
                "text_en": "In the bot, choose the insurance status section and send your IIN.",
            },
            {
                "title_kk": "Qalqan жеке кабинеті",
                "title_ru": "Личный кабинет Qalqan",
                "title_en": "Your Qalqan account",
                "text_kk": "Qalqan-ға кірсеңіз, мәртебеңізді, жарналарыңыз бен сіздің атыңыздан көрсетілген қызметтерді бір жерден көресіз.",
                "text_ru": "Войдя в Qalqan, вы увидите в одном месте свой статус, взносы и услуги, оказанные на ваше имя.",
                "text_en": "Sign in to Qalqan to see your status, your contributions and the services billed in your name in one place.",
            },
        ],
    },
    # ------------------------------------------------------------------
    {
        "slug": "not-insured",
        "menu_title_kk": "Сақтандыру жоқ болса",
        "menu_title_ru": "Если нет страховки",
        "menu_title_en": "Not insured?",
        "title_kk": "Егер сіз сақтандырылмаған болсаңыз",
        "title_ru": "Если вы не застрахованы",
        "title_en": "If you are not insured",
        "intro_kk": "«Сақтандырылмаған» мәртебесі түзетілетін жағдай. Өзіңізге сәйкес жолды таңдаңыз.",
        "intro_ru": "Статус «не застрахован» можно исправить. Выберите подходящий вам путь.",
        "intro_en": "An “uninsured” status can be fixed. Pick the route that fits your situation.",
        "body_kk": (
            "<p>Жұмыстан шыққаннан кейін немесе жарна тоқтағаннан кейін сақтандыру тағы <strong>3 ай</strong> "
            "сақталады. 2026 жылдан бастап қатарынан 60 ай жарна төлеген адамдар үшін бұл мерзім "
            "<strong>6 айға</strong> дейін ұзарады. Бірақ төленбеген айлар үшін берешек бәрібір өтелуі тиіс.</p>"
            "<p>Сақтандырылмаған адамдар ТМККК аясындағы көмекті алады: жедел жәрдем, өмірге қауіп төнгендегі "
            "шұғыл емдеу, әлеуметтік мәні бар аурулар кезіндегі көмек пен скринингтер.</p>"
            "<p>Егер сіз жеңілдікті санатқа жатсаңыз, бірақ жүйе сізді қате түрде сақтандырылмаған деп көрсетсе, "
            "құжаттарыңызды көрсетіп, бір айға уақытша мәртебе алуға болады.</p>"
        ),
        "body_ru": (
            "<p>После увольнения или прекращения взносов страховка действует ещё <strong>3 месяца</strong>. "
            "С 2026 года для тех, кто платил 60 месяцев подряд, этот срок увеличивается до "
            "<strong>6 месяцев</strong>. Долг за неоплаченные месяцы при этом всё равно придётся погасить.</p>"
            "<p>Незастрахованным доступна помощь в рамках ГОБМП: скорая помощь, экстренная госпитализация при "
            "угрозе жизни, лечение социально значимых заболеваний и скрининги.</p>"
            "<p>Если вы относитесь к льготной категории, а система ошибочно показывает вас незастрахованным, "
            "по документам можно получить временный статус на один месяц.</p>"
        ),
        "body_en": (
            "<p>After you leave a job or stop paying, your cover lasts another <strong>3 months</strong>. From "
            "2026, people who paid for 60 months in a row keep it for <strong>6 months</strong>. The unpaid "
            "months still have to be paid off.</p>"
            "<p>Without insurance you still receive the free guaranteed package: ambulance, emergency admission "
            "when your life is at risk, treatment of socially significant diseases and screenings.</p>"
            "<p>If you belong to a privileged category but are wrongly shown as uninsured, you can obtain a "
            "one-month temporary status by presenting your documents.</p>"
        ),
        "steps": [
            {
                "title_kk": "Жарнаны өзіңіз төлеңіз",
                "title_ru": "Платите взносы самостоятельно",
                "title_en": "Pay contributions yourself",
                "text_kk": "Жұмысыңыз да, ДК тіркеуіңіз де болмаса, айына 4 250 ₸ (жылына 51 000 ₸) төлеп, сақтандыруды қалпына келтіре аласыз. Алдымен берешекті өтеңіз.",
                "text_ru": "Если у вас нет ни работы, ни ИП, платите 4 250 ₸ в месяц (51 000 ₸ в год). Сначала погасите долг по взносам.",
                "text_en": "If you have neither a job nor a sole proprietorship, pay 4,250 ₸ a month (51,000 ₸ a year). Clear any arrears first.",
            },
            {
                "title_kk": "Жеңілдікті санатқа жататыныңызды тексеріңіз",
                "title_ru": "Проверьте, не относитесь ли вы к льготной категории",
                "title_en": "Check whether you are in a privileged category",
                "text_kk": "Балалар, зейнеткерлер, мүгедектігі бар адамдар, күндізгі бөлімнің студенттері және басқа да жеңілдікті санаттар үшін жарнаны мемлекет төлейді.",
                "text_ru": "За детей, пенсионеров, людей с инвалидностью, студентов очной формы и другие льготные категории взносы платит государство.",
                "text_en": "The state pays for children, pensioners, people with disabilities, full-time students and the other privileged categories.",
            },
            {
                "title_kk": "Жұмыссыз ретінде тіркеліңіз",
                "title_ru": "Зарегистрируйтесь как безработный",
                "title_en": "Register as unemployed",
                "text_kk": "Халықты жұмыспен қамту орталығына барыңыз немесе enbek.kz сайты арқылы өтініш беріңіз. 2026 жылдан бастап тіркелген жұмыссыздар үшін жарнаны жергілікті атқарушы органдар төлейді.",
                "text_ru": "Обратитесь в центр занятости населения или подайте заявку на enbek.kz. С 2026 года взносы за зарегистрированных безработных платят местные исполнительные органы.",
                "text_en": "Apply at your local employment centre or online at enbek.kz. From 2026 the local authorities (akimats) pay for registered unemployed people.",
            },
            {
                "title_kk": "D немесе E деңгейіне жататыныңызды анықтаңыз",
                "title_ru": "Узнайте, не относитесь ли вы к уровню D или E",
                "title_en": "Find out whether you are at level D or E",
                "text_kk": "Табысы төмен отбасылар әлеуметтік әл-ауқаттың дағдарыстық (D) немесе төтенше (E) деңгейіне жатқызылуы мүмкін. 2026 жылдан бастап олар үшін жарнаны жергілікті атқарушы органдар төлейді. Өңіріңіздегі жұмыспен қамту және әлеуметтік қорғау басқармасына хабарласыңыз.",
                "text_ru": "Малообеспеченные семьи могут быть отнесены к кризисному (D) или экстренному (E) уровню социального благополучия. С 2026 года взносы за них вносят местные исполнительные органы. Обратитесь в управление занятости и социальной защиты своего региона.",
                "text_en": "Low-income households may be assessed at the crisis (D) or emergency (E) level of social well-being. From 2026 local authorities pay their contributions. Contact the employment and social protection department in your region.",
            },
            {
                "title_kk": "Емханаға тіркеліңіз",
                "title_ru": "Прикрепитесь к поликлинике",
                "title_en": "Register with a polyclinic",
                "text_kk": "Көмек алу үшін емханаға тіркелу керек: ЭЦҚ арқылы eGov.kz порталында немесе емхананың өзіне барып. Жауап бір жұмыс күні ішінде келеді; учаскеңіздің нөмірі мен дәрігеріңіздің атын біліп алыңыз.",
                "text_ru": "Чтобы получать помощь, прикрепитесь к поликлинике: на eGov.kz с ЭЦП или лично в поликлинике. Ответ придёт в течение рабочего дня; уточните номер участка и имя своего врача.",
                "text_en": "To receive care you must register with a polyclinic, either on eGov.kz with a digital signature or in person. You get a reply within one working day; note your district number and your doctor's name.",
            },
        ],
    },
    # ------------------------------------------------------------------
    {
        "slug": "who-pays",
        "menu_title_kk": "Кім төлейді",
        "menu_title_ru": "Кто платит",
        "menu_title_en": "Who pays",
        "title_kk": "Кім үшін кім төлейді",
        "title_ru": "Кто за кого платит",
        "title_en": "Who pays for whom",
        "intro_kk": "МӘМС ортақ жауапкершілікке негізделген: мемлекет, жұмыс беруші және азаматтың өзі.",
        "intro_ru": "ОСМС построено на солидарной ответственности государства, работодателя и самого гражданина.",
        "intro_en": "ОСМС rests on shared responsibility between the state, employers and citizens themselves.",
        "body_kk": (
            "<p>Жұмыс беруші қызметкер үшін аударым жасайды және оның жалақысынан жарнаны ұстап қалады. "
            "Дара кәсіпкерлер мен жұмыссыз азаматтар өздері үшін өздері төлейді. Жеңілдікті санаттар үшін "
            "жарнаны республикалық бюджет төлейді.</p>"
            "<p><strong>2026 жылдан бастап</strong> тіркелген жұмыссыздар мен әлеуметтік әл-ауқаттың D және E "
            "деңгейіндегі жұмыс істемейтін адамдар үшін жарнаны жергілікті атқарушы органдар (әкімдіктер) "
            "төлейді.</p>"
            "<p>Төлем келесі айдың 25-іне дейін жасалуы тиіс. Төмендегі кестеде 2025–2026 жылдарға арналған "
            "мөлшерлемелер берілген (ЕТЖ = 85 000 ₸).</p>"
        ),
        "body_ru": (
            "<p>Работодатель делает отчисления за работника и удерживает из его зарплаты взносы. "
            "Индивидуальные предприниматели и неработающие граждане платят за себя сами. За льготные категории "
            "взносы вносит республиканский бюджет.</p>"
            "<p><strong>С 2026 года</strong> за зарегистрированных безработных и неработающих граждан с уровнем "
            "социального благополучия D и E платят местные исполнительные органы (акиматы).</p>"
            "<p>Платёж нужно внести до 25-го числа следующего месяца. В таблице — ставки на 2025–2026 годы "
            "(МЗП = 85 000 ₸).</p>"
        ),
        "body_en": (
            "<p>Employers pay a contribution for each employee and also withhold the employee's own contribution "
            "from wages. Individual entrepreneurs and people without a job pay for themselves. The republican "
            "budget pays for privileged categories.</p>"
            "<p><strong>From 2026</strong> local authorities (akimats) pay for registered unemployed people and "
            "for non-working people at social well-being levels D and E.</p>"
            "<p>Payment is due by the 25th of the following month. The table shows the 2025–2026 rates "
            "(minimum monthly wage, МЗП, = 85,000 ₸).</p>"
        ),
        "steps": [],
        "table": {
            "header_kk": ["Төлеуші", "Мөлшерлеме және база", "Шекті мөлшер", "Шекті мөлшерде айына"],
            "header_ru": ["Плательщик", "Ставка и база", "Предел", "В месяц при пределе"],
            "header_en": ["Payer", "Rate and base", "Cap", "Per month at the cap"],
            "rows_kk": [
                ["Жұмыс беруші (аударымдар)", "Жұмыскер табысының 3%", "Табыс 10 ЕТЖ-мен шектеледі (850 000 ₸)", "25 500 ₸"],
                ["Жұмыскер (жарналар, жалақыдан ұсталады)", "Табыстың 2%", "10 ЕТЖ, барлық жұмыс орны бойынша жиынтығы", "17 000 ₸"],
                ["Дара кәсіпкер", "1,4 ЕТЖ-нің 5%", "—", "5 950 ₸"],
                ["Өз бетінше төлеуші (жұмысы да, ДК-сы да жоқ)", "1 ЕТЖ-нің 5%", "—", "4 250 ₸ (жылына 51 000 ₸)"],
                ["Мемлекет, жеңілдікті санаттар үшін", "Екі жыл бұрынғы орташа айлық жалақының 2% (2023 жыл: 364 295 ₸)", "—", "7 285,90 ₸"],
                ["Платформалық жұмыспен қамтылғандар (2026 жылдан)", "Табыстың 1%, платформа ұстап қалады", "20 ЕТЖ", "—"],
            ],
            "rows_ru": [
                ["Работодатель (отчисления)", "3% дохода работника", "Доход ограничен 10 МЗП (850 000 ₸)", "25 500 ₸"],
                ["Работник (взносы, удерживаются из зарплаты)", "2% дохода", "10 МЗП в сумме по всем местам работы", "17 000 ₸"],
                ["Индивидуальный предприниматель", "5% от 1,4 МЗП", "—", "5 950 ₸"],
                ["Самостоятельный плательщик (нет работы и ИП)", "5% от 1 МЗП", "—", "4 250 ₸ (51 000 ₸ в год)"],
                ["Государство — за льготные категории", "2% среднемесячной зарплаты позапрошлого года (2023: 364 295 ₸)", "—", "7 285,90 ₸"],
                ["Платформенная занятость (с 2026 года)", "1% дохода, удерживает платформа", "20 МЗП", "—"],
            ],
            "rows_en": [
                ["Employer (employer contributions)", "3% of the employee's income", "Income capped at 10 МЗП (850,000 ₸)", "25,500 ₸"],
                ["Employee (withheld from wages)", "2% of income", "10 МЗП, summed over all jobs", "17,000 ₸"],
                ["Individual entrepreneur", "5% of 1.4 МЗП", "—", "5,950 ₸"],
                ["Self-payer (no job, no business)", "5% of 1 МЗП", "—", "4,250 ₸ (51,000 ₸ a year)"],
                ["State, for privileged categories", "2% of the average monthly wage two years earlier (2023: 364,295 ₸)", "—", "7,285.90 ₸"],
                ["Platform workers (from 2026)", "1% of income, withheld by the platform", "20 МЗП", "—"],
            ],
        },
    },
    # ------------------------------------------------------------------
    {
        "slug": "packages",
        "menu_title_kk": "Пакеттер",
        "menu_title_ru": "Пакеты",
        "menu_title_en": "Packages",
        "title_kk": "Пакеттер нені қамтиды",
        "title_ru": "Что покрывают пакеты",
        "title_en": "What the packages cover",
        "intro_kk": "Медициналық көмек үш бөліктен тұрады: барлығына арналған ТМККК, сақтандырылғандарға арналған МӘМС және ерікті сақтандыру.",
        "intro_ru": "Медицинская помощь складывается из трёх частей: ГОБМП для всех, ОСМС для застрахованных и добровольное страхование.",
        "intro_en": "Care comes in three layers: the free guaranteed package for everyone, ОСМС for the insured, and voluntary insurance.",
        "body_kk": (
            "<p><strong>ТМККК — барлығына:</strong></p>"
            "<ul><li>жедел жәрдем және санитариялық авиация;</li>"
            "<li>сақтандырылмағандарды шұғыл жағдайда ауруханаға жатқызу;</li>"
            "<li>әлеуметтік мәні бар аурулар кезіндегі көмек, скринингтер мен екпелер;</li>"
            "<li>медициналық-санитариялық алғашқы көмек (2027 жылдан бастап сақтандырылмағандар үшін базалық бөлігі ғана).</li></ul>"
            "<p><strong>МӘМС — тек сақтандырылғандарға:</strong></p>"
            "<ul><li>мамандардың кеңестері мен диагностика;</li>"
            "<li>күндізгі және жоспарлы стационар;</li>"
            "<li>жоғары технологиялық көмек және медициналық оңалту;</li>"
            "<li>созылмалы аурулар кезінде амбулаториялық дәрі-дәрмекпен қамтамасыз ету.</li></ul>"
            "<p><strong>Ерікті сақтандыру</strong> стоматологияны, чекаптарды, сервистік қызметтерді және шетелде "
            "емделуді қамтиды.</p>"
            "<p>Көмек көлемі қысқармайды: кейбір қызметтер ТМККК-дан МӘМС-ке ауысқанда тек қаржыландыру көзі өзгереді.</p>"
        ),
        "body_ru": (
            "<p><strong>ГОБМП — для всех:</strong></p>"
            "<ul><li>скорая помощь и санитарная авиация;</li>"
            "<li>экстренная госпитализация незастрахованных;</li>"
            "<li>помощь при социально значимых заболеваниях, скрининги и прививки;</li>"
            "<li>первичная медико-санитарная помощь (с 2027 года для незастрахованных — только базовая часть).</li></ul>"
            "<p><strong>ОСМС — только для застрахованных:</strong></p>"
            "<ul><li>консультации специалистов и диагностика;</li>"
            "<li>дневной и плановый стационар;</li>"
            "<li>высокотехнологичная помощь и медицинская реабилитация;</li>"
            "<li>амбулаторное лекарственное обеспечение при хронических заболеваниях.</li></ul>"
            "<p><strong>Добровольное страхование</strong> покрывает стоматологию, чекапы, сервисные услуги и "
            "лечение за рубежом.</p>"
            "<p>Объём помощи не сокращается: когда услуга переходит из ГОБМП в ОСМС, меняется только источник "
            "её оплаты.</p>"
        ),
        "body_en": (
            "<p><strong>Free guaranteed package (ГОБМП), for everyone:</strong></p>"
            "<ul><li>ambulance and air ambulance;</li>"
            "<li>emergency hospital admission for the uninsured;</li>"
            "<li>care for socially significant diseases, screenings and vaccinations;</li>"
            "<li>primary care (from 2027 only its basic part for the uninsured).</li></ul>"
            "<p><strong>ОСМС, for the insured only:</strong></p>"
            "<ul><li>specialist consultations and diagnostics;</li>"
            "<li>day-hospital and planned inpatient care;</li>"
            "<li>high-technology care and medical rehabilitation;</li>"
            "<li>outpatient medicines for chronic diseases.</li></ul>"
            "<p><strong>Voluntary insurance</strong> covers dentistry, check-ups, comfort services and care abroad.</p>"
            "<p>No care disappears: when a service moves from ГОБМП to ОСМС, only the source of funding changes.</p>"
        ),
        "steps": [],
    },
]

# --------------------------------------------------------------------------
# FAQ (questions follow seed 004; answers updated to current rules)
# --------------------------------------------------------------------------

FAQ = [
    {
        "question_kk": "МӘМС деген не?",
        "question_ru": "Что такое ОСМС?",
        "question_en": "What is ОСМС?",
        "answer_kk": "<p>Міндетті әлеуметтік медициналық сақтандыру — азаматтардың денсаулығын қорғауға арналған мемлекеттік жүйе. Оған қатысушылар уақтылы әрі сапалы медициналық көмек пен дәрі-дәрмек алады.</p>",
        "answer_ru": "<p>Обязательное социальное медицинское страхование — государственная система защиты здоровья граждан. Её участники получают своевременную и качественную медицинскую помощь и лекарства.</p>",
        "answer_en": "<p>Mandatory social health insurance is the state system that protects people's health. Those who take part receive timely, good-quality medical care and medicines.</p>",
    },
    {
        "question_kk": "МӘМС не үшін енгізілді?",
        "question_ru": "Зачем ввели ОСМС?",
        "question_en": "Why was ОСМС introduced?",
        "answer_kk": "<p>Созылмалы аурулар көбейіп, халық қартайып, жаңа технологиялар қымбаттаған сайын денсаулық сақтауға кететін шығын өседі. Сақтандыру бұл шығынды мемлекет, жұмыс беруші және азамат арасында бөліп, жүйені қаржылық тұрғыдан тұрақты етеді.</p>",
        "answer_ru": "<p>Расходы на здравоохранение растут: хронических болезней становится больше, население стареет, новые технологии дороги. Страхование распределяет эти расходы между государством, работодателем и гражданином и делает систему финансово устойчивой.</p>",
        "answer_en": "<p>Health spending keeps rising as chronic diseases spread, the population ages and new technology costs more. Insurance shares the cost between the state, employers and citizens and keeps the system financially stable.</p>",
    },
    {
        "question_kk": "Қазақстанда медициналық көмек қалай ұйымдастырылған?",
        "question_ru": "Как устроена медицинская помощь в Казахстане?",
        "question_en": "How is healthcare organised in Kazakhstan?",
        "answer_kk": "<p>Бұл аралас жүйе. ТМККК жарна төленгеніне қарамастан барлығына беріледі, МӘМС пакеті тек сақтандырылғандарға арналған, ал қосымша қажеттіліктерді ерікті медициналық сақтандыру жабады.</p>",
        "answer_ru": "<p>Это смешанная система. ГОБМП положен всем независимо от уплаты взносов, пакет ОСМС — только застрахованным, а дополнительные потребности покрывает добровольное медицинское страхование.</p>",
        "answer_en": "<p>It is a mixed system. The free guaranteed package is for everyone whether or not they pay contributions, the ОСМС package is for the insured only, and voluntary insurance covers anything extra.</p>",
    },
    {
        "question_kk": "Жарнаны кім төлейді?",
        "question_ru": "Кто платит взносы?",
        "question_en": "Who pays contributions?",
        "answer_kk": "<ul><li>Жұмыс беруші — жұмыскер табысының 3%;</li><li>жұмыскер — табысының 2%;</li><li>дара кәсіпкер — айына 5 950 ₸, жұмыссыз азамат — айына 4 250 ₸;</li><li>жеңілдікті санаттар үшін — мемлекет, ал 2026 жылдан бастап жұмыссыздар мен D/E деңгейіндегілер үшін — жергілікті атқарушы органдар.</li></ul>",
        "answer_ru": "<ul><li>Работодатель — 3% дохода работника;</li><li>работник — 2% своего дохода;</li><li>ИП — 5 950 ₸ в месяц, неработающий гражданин — 4 250 ₸ в месяц;</li><li>за льготные категории — государство, а с 2026 года за безработных и граждан уровней D/E — местные исполнительные органы.</li></ul>",
        "answer_en": "<ul><li>Employers: 3% of the employee's income;</li><li>employees: 2% of their income;</li><li>entrepreneurs: 5,950 ₸ a month; people without a job: 4,250 ₸ a month;</li><li>the state pays for privileged categories, and from 2026 local authorities pay for the unemployed and for levels D/E.</li></ul>",
    },
    {
        "question_kk": "Әлеуметтік медициналық сақтандыру қоры не істейді?",
        "question_ru": "Чем занимается Фонд социального медицинского страхования?",
        "question_en": "What does the Social Health Insurance Fund do?",
        "answer_kk": "<p>Қор — коммерциялық емес ұйым: ол аударымдар мен жарналарды жинайды, клиникалардан медициналық қызметтерді сатып алып, оларға ақы төлейді. Реформа бойынша қор сақтандыру сыйлықақыларын субсидиялайтын төлем агенттігіне айналады.</p>",
        "answer_ru": "<p>Фонд — некоммерческая организация: он собирает отчисления и взносы, закупает у клиник медицинские услуги и оплачивает их. По реформе Фонд становится платёжным агентством, субсидирующим страховые премии.</p>",
        "answer_en": "<p>The Fund is a non-profit body that collects contributions and buys and pays for medical services from clinics. Under the reform it becomes a payment agency that subsidises insurance premiums.</p>",
    },
    {
        "question_kk": "Сақтандырылғанымды қалай білемін?",
        "question_ru": "Как узнать, застрахован ли я?",
        "question_en": "How do I know whether I am insured?",
        "answer_kk": "<p>Емханада ЖСН бойынша мәртебеңіз автоматты түрде тексеріледі. Өзіңіз де тексере аласыз: қордың сайтында, eGov.kz порталында, 1414 нөміріне қоңырау шалып, @SaqtandyryBot арқылы немесе Qalqan-да.</p>",
        "answer_ru": "<p>В поликлинике статус проверяют автоматически по ИИН. Вы можете проверить его и сами: на сайте Фонда, на eGov.kz, по номеру 1414, через @SaqtandyryBot или в Qalqan.</p>",
        "answer_en": "<p>Clinics check your status automatically from your IIN. You can check it yourself too: on the Fund's website, on eGov.kz, by calling 1414, via @SaqtandyryBot or in Qalqan.</p>",
    },
    {
        "question_kk": "Өзін-өзі жұмыспен қамтығандар мен жұмыссыздар жүйеге қалай қатыса алады?",
        "question_ru": "Как участвовать в системе самозанятым и безработным?",
        "question_en": "How can self-employed and unemployed people take part?",
        "answer_kk": "<p>Дара кәсіпкерлер салық органында тіркеліп, жарнаны өздері төлейді. Жұмысы жоқ адам жұмыспен қамту орталығында немесе enbek.kz арқылы жұмыссыз ретінде тіркелсе, ол үшін жарнаны мемлекет төлейді. Тіркелмесе, жарнаны өзі төлей алады.</p>",
        "answer_ru": "<p>Индивидуальные предприниматели регистрируются в налоговом органе и платят взносы сами. Если человек без работы встанет на учёт как безработный в центре занятости или на enbek.kz, взносы за него будет платить государство. Иначе он может платить взносы самостоятельно.</p>",
        "answer_en": "<p>Individual entrepreneurs register with the tax authority and pay their own contributions. A person without a job who registers as unemployed at an employment centre or on enbek.kz has contributions paid by the state; otherwise they can pay for themselves.</p>",
    },
    {
        "question_kk": "Сақтандыру болмаса да қандай көмек тегін көрсетіледі?",
        "question_ru": "Какая помощь бесплатна даже без страховки?",
        "question_en": "What care is free even without insurance?",
        "answer_kk": "<ul><li>Жедел жәрдем және санитариялық авиация;</li><li>әлеуметтік мәні бар аурулар кезіндегі көмек;</li><li>өмірге қауіп төнген шұғыл жағдайлардағы көмек;</li><li>профилактикалық екпелер мен скринингтер.</li></ul>",
        "answer_ru": "<ul><li>Скорая помощь и санитарная авиация;</li><li>помощь при социально значимых заболеваниях;</li><li>экстренная помощь при угрозе жизни;</li><li>профилактические прививки и скрининги.</li></ul>",
        "answer_en": "<ul><li>Ambulance and air ambulance;</li><li>care for socially significant diseases;</li><li>emergency care when life is at risk;</li><li>preventive vaccinations and screenings.</li></ul>",
    },
    {
        "question_kk": "Сақтандырылған адам қосымша қандай көмек алады?",
        "question_ru": "Что дополнительно получает застрахованный?",
        "question_en": "What extra care does an insured person get?",
        "answer_kk": "<p>Мамандардың кеңестері мен диагностика, күндізгі және жоспарлы стационар, жоғары технологиялық көмек, медициналық оңалту, сондай-ақ созылмалы аурулар кезінде тегін дәрі-дәрмек.</p>",
        "answer_ru": "<p>Консультации специалистов и диагностику, дневной и плановый стационар, высокотехнологичную помощь, медицинскую реабилитацию и бесплатные лекарства при хронических заболеваниях.</p>",
        "answer_en": "<p>Specialist consultations and diagnostics, day-hospital and planned inpatient care, high-technology care, medical rehabilitation and free medicines for chronic diseases.</p>",
    },
    {
        "question_kk": "Мемлекет кім үшін жарна төлейді?",
        "question_ru": "За кого платит государство?",
        "question_en": "Who does the state pay for?",
        "answer_kk": "<p>Жеңілдікті санаттар үшін: балалар, жұмыс істемейтін жүкті әйелдер және үш жасқа дейінгі баланы тәрбиелеп отырғандар, зейнеткерлер, мүгедектігі бар адамдар, күндізгі бөлімнің студенттері, көп балалы аналар, жұмыс істемейтін қандастар, атаулы әлеуметтік көмек алушылар және басқалар. Әскери қызметшілер мен арнаулы органдардың қызметкерлері бөлек қаржыландырылады.</p>",
        "answer_ru": "<p>За льготные категории: детей, неработающих беременных и тех, кто растит ребёнка до трёх лет, пенсионеров, людей с инвалидностью, студентов очной формы, многодетных матерей, неработающих кандасов, получателей адресной социальной помощи и других. Военнослужащие и сотрудники специальных органов финансируются отдельно.</p>",
        "answer_en": "<p>For privileged categories: children, non-working pregnant women and parents of children under three, pensioners, people with disabilities, full-time students, mothers of many children, non-working kandas, recipients of targeted social assistance and others. Military and special-services personnel are funded separately.</p>",
    },
    {
        "question_kk": "Жарналар қалай жиналады?",
        "question_ru": "Как собираются взносы?",
        "question_en": "How are contributions collected?",
        "answer_kk": "<p>Төлемдер «Азаматтарға арналған үкімет» мемлекеттік корпорациясы арқылы түседі, ол әр адамның жарналарын жеке есепке алады. Төлемдердің уақтылығын Мемлекеттік кірістер комитеті бақылайды. Жарнаны келесі айдың 25-іне дейін төлеу керек.</p>",
        "answer_ru": "<p>Платежи проходят через Госкорпорацию «Правительство для граждан», которая ведёт персональный учёт взносов каждого человека. За своевременностью платежей следит Комитет государственных доходов. Взнос нужно внести до 25-го числа следующего месяца.</p>",
        "answer_en": "<p>Payments go through the State Corporation “Government for Citizens”, which keeps a personal record of everyone's contributions. The State Revenue Committee monitors that they are paid on time. Each month's contribution is due by the 25th of the following month.</p>",
    },
    {
        "question_kk": "Медициналық көмектің сапасы қалай бақыланады?",
        "question_ru": "Как контролируется качество помощи?",
        "question_en": "How is the quality of care monitored?",
        "answer_kk": "<p>Медициналық және фармацевтикалық бақылау комитеті стандарттардың сақталуын тексеріп, пациенттердің шағымдарын қарайды. Қор клиникалармен жасалған шарт бойынша емделу жағдайларының көлемі мен сапасына сараптама жүргізеді. Qalqan-да сіз өз атыңыздан көрсетілген әр қызметті көріп, оған дау айта аласыз.</p>",
        "answer_ru": "<p>Комитет медицинского и фармацевтического контроля проверяет соблюдение стандартов и разбирает жалобы пациентов. Фонд по договорам с клиниками проводит экспертизу объёма и качества пролеченных случаев. В Qalqan вы видите каждую услугу, оказанную на ваше имя, и можете её оспорить.</p>",
        "answer_en": "<p>The Committee for Medical and Pharmaceutical Control checks that standards are met and handles patient complaints. Under its contracts with clinics, the Fund reviews the volume and quality of treated cases. In Qalqan you see every service billed in your name and can dispute it.</p>",
    },
    {
        "question_kk": "Клиникалар МӘМС жүйесіне қалай іріктеледі?",
        "question_ru": "Как отбираются клиники для работы в ОСМС?",
        "question_en": "How are clinics selected to work in ОСМС?",
        "answer_kk": "<p>Іріктеу екі кезеңнен тұрады. Алдымен ең төменгі талаптарға сай клиника медициналық қызметтер берушілердің тізіліміне енгізіледі. Содан кейін қор онымен қызмет көлемін, бағасын және нәтиже көрсеткіштерін келісіп, шарт жасасады.</p>",
        "answer_ru": "<p>Отбор идёт в два этапа. Сначала клиника, отвечающая минимальным требованиям, попадает в реестр поставщиков медицинских услуг. Затем Фонд согласовывает с ней объёмы, цену и показатели результата и заключает договор.</p>",
        "answer_en": "<p>Selection has two stages. First, a clinic that meets the minimum requirements enters the register of healthcare providers. Then the Fund agrees volumes, prices and performance indicators with it and signs a contract.</p>",
    },
    {
        "question_kk": "Сұрақтар бойынша қайда хабарласуға болады?",
        "question_ru": "Куда обращаться с вопросами?",
        "question_en": "Where can I ask questions?",
        "answer_kk": "<p>1414 бірыңғай байланыс орталығына қоңырау шалыңыз немесе Qalqan жеке кабинетінен өтініш жіберіңіз.</p>",
        "answer_ru": "<p>Позвоните в единый контакт-центр 1414 или отправьте обращение из личного кабинета Qalqan.</p>",
        "answer_en": "<p>Call the unified contact centre on 1414 or send a request from your Qalqan account.</p>",
    },
]

# --------------------------------------------------------------------------
# News
# --------------------------------------------------------------------------

NEWS = [
    {
        "date": date(2026, 1, 1),
        "title_kk": "2026 жылдан бастап жұмыссыздар мен D/E деңгейіндегі азаматтар үшін жарнаны әкімдіктер төлейді",
        "title_ru": "С 2026 года за безработных и граждан уровней D/E платят акиматы",
        "title_en": "From 2026 akimats pay for the unemployed and for levels D/E",
        "body_kk": (
            "<p>1 қаңтардан бастап тіркелген жұмыссыздар үшін МӘМС жарнасын республикалық бюджет емес, "
            "жергілікті атқарушы органдар төлейді. Сонымен қатар әлеуметтік әл-ауқаттың дағдарыстық (D) және "
            "төтенше (E) деңгейіндегі жұмыс істемейтін адамдар да сақтандырылады — бұл шамамен 1 миллион адам.</p>"
            "<p>D немесе E деңгейіне жататыныңызды білу үшін өңіріңіздегі жұмыспен қамту және әлеуметтік "
            "қорғау басқармасына хабарласыңыз.</p>"
        ),
        "body_ru": (
            "<p>С 1 января взносы ОСМС за зарегистрированных безработных платит не республиканский бюджет, а "
            "местные исполнительные органы. Кроме того, застрахованными становятся неработающие граждане с "
            "кризисным (D) и экстренным (E) уровнем социального благополучия — это около 1 миллиона человек.</p>"
            "<p>Чтобы узнать, относитесь ли вы к уровню D или E, обратитесь в управление занятости и социальной "
            "защиты своего региона.</p>"
        ),
        "body_en": (
            "<p>From 1 January, contributions for registered unemployed people are paid by local authorities "
            "instead of the republican budget. Non-working people at the crisis (D) and emergency (E) levels of "
            "social well-being, about 1 million people, also become insured.</p>"
            "<p>To find out whether you are at level D or E, contact the employment and social protection "
            "department in your region.</p>"
        ),
    },
    {
        "date": date(2026, 1, 1),
        "title_kk": "Ұзақ уақыт төлегендер үшін сақтандыру 6 айға дейін сақталады",
        "title_ru": "Для добросовестных плательщиков страховка сохраняется до 6 месяцев",
        "title_en": "Cover now lasts up to 6 months for long-standing payers",
        "body_kk": (
            "<p>Бұрын жарна тоқтағаннан кейін сақтандыру мәртебесі 3 ай сақталатын. 2026 жылдан бастап "
            "қатарынан 60 ай жарна төлеген адамдар үшін бұл мерзім 6 айға дейін ұзартылды.</p>"
            "<p>Бұл кезеңде көмек алуға болады, бірақ төленбеген айлар үшін берешек сақталады және оны өтеу керек.</p>"
        ),
        "body_ru": (
            "<p>Раньше после прекращения взносов статус застрахованного сохранялся 3 месяца. С 2026 года для тех, "
            "кто платил 60 месяцев подряд, этот срок продлён до 6 месяцев.</p>"
            "<p>В это время можно получать помощь, но долг за неоплаченные месяцы остаётся, и его нужно погасить.</p>"
        ),
        "body_en": (
            "<p>Until now, insured status lasted 3 months after contributions stopped. From 2026, people who paid "
            "for 60 months in a row keep their cover for 6 months.</p>"
            "<p>You can receive care during this period, but the unpaid months remain owed and must be paid.</p>"
        ),
    },
    {
        "date": date(2026, 1, 1),
        "title_kk": "Платформа арқылы жұмыс істейтіндер: табыстың 1%",
        "title_ru": "Платформенная занятость: 1% от дохода",
        "title_en": "Platform workers: 1% of income",
        "body_kk": (
            "<p>2026 жылдан бастап такси, жеткізу және басқа да онлайн-платформалар арқылы табыс табатын адамдар "
            "МӘМС-ке табысының 1% төлейді. Жарнаны платформаның өзі ұстап қалып, аударады; есептеу үшін "
            "табыс 20 ЕТЖ-мен шектеледі.</p>"
            "<p>Жарна уақтылы түссе, мұндай жұмыскерлер сақтандырылған болып саналады.</p>"
        ),
        "body_ru": (
            "<p>С 2026 года те, кто зарабатывает через онлайн-платформы такси, доставки и другие, платят в ОСМС "
            "1% дохода. Взнос удерживает и перечисляет сама платформа; доход для расчёта ограничен 20 МЗП.</p>"
            "<p>Если взносы поступают вовремя, такие работники считаются застрахованными.</p>"
        ),
        "body_en": (
            "<p>From 2026, people earning through online platforms such as ride-hailing and delivery pay 1% of "
            "their income into ОСМС. The platform withholds and transfers the contribution; income counted is "
            "capped at 20 МЗП.</p>"
            "<p>As long as contributions arrive on time, these workers are insured.</p>"
        ),
    },
]

# --------------------------------------------------------------------------
# Section pages (titles and introductions of the FAQ, news, packages and marketplace pages)
# --------------------------------------------------------------------------

SECTIONS = {
    "faq": {
        "menu_title_kk": "Сұрақтар",
        "menu_title_ru": "Вопросы",
        "menu_title_en": "FAQ",
        "title_kk": "Жиі қойылатын сұрақтар",
        "title_ru": "Частые вопросы",
        "title_en": "Frequently asked questions",
        "intro_kk": "Міндетті әлеуметтік медициналық сақтандыру туралы негізгі сұрақтарға қысқа жауаптар.",
        "intro_ru": "Короткие ответы на главные вопросы об обязательном социальном медицинском страховании.",
        "intro_en": "Short answers to the main questions about mandatory social health insurance.",
    },
    "news": {
        "menu_title_kk": "Жаңалықтар",
        "menu_title_ru": "Новости",
        "menu_title_en": "News",
        "title_kk": "Жаңалықтар мен хабарландырулар",
        "title_ru": "Новости и объявления",
        "title_en": "News and notices",
        "intro_kk": "Заңнамадағы өзгерістер және сақтандыру ережелеріндегі жаңалықтар.",
        "intro_ru": "Изменения в законодательстве и новое в правилах страхования.",
        "intro_en": "Changes in the law and what is new in the insurance rules.",
    },
    "marketplace": {
        "menu_title_kk": "Сақтандырушылар",
        "menu_title_ru": "Страховщики",
        "menu_title_en": "Insurers",
        "title_kk": "Сақтандыру өнімдері",
        "title_ru": "Страховые продукты",
        "title_en": "Insurance products",
        "intro_kk": (
            "Сақтандырушыны өзіңіз таңдаңыз. Базалық МӘМС полисін әр сақтандырушы қор белгілеген бағамен "
            "сатады және барлық өтініш берушіні қабылдауға міндетті. Кеңейтілген МӘМС+ЕМС өнімдерінде субсидиядан "
            "асатын айырманы ғана төлейсіз."
        ),
        "intro_ru": (
            "Выберите страховщика сами. Базовый полис ОСМС каждый страховщик продаёт по цене, установленной "
            "Фондом, и обязан принять любого заявителя. В расширенных продуктах ОСМС+ДМС вы доплачиваете только "
            "разницу сверх субсидии."
        ),
        "intro_en": (
            "Choose your insurer. Every insurer sells the basic ОСМС policy at the price the Fund sets and must "
            "accept every applicant. With an extended ОСМС+ДМС product you pay only the difference above the "
            "subsidy."
        ),
    },
}
