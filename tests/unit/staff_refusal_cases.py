"""The staff's refusals as the services write them, with their Russian texts: the cases
`test_staff_refusals_in_russian.py` checks, and the Latin words a Russian text may keep."""

from __future__ import annotations

import re

# a Latin word left in a Russian text: codes, keys and values as typed are allowed
LATIN_WORD = re.compile(r"\b(?!(?:KAZ|RUS|XYZ|ARM|AZE|CAP|UTC|csc|secretariat|agency|state|KIND|"
                        r"crdf|ml|kaz|bob|http|https|en|ru|Bad|Fire|Geo|nowhere|"
                        r"admin|manage|read|public|example|org|feed|wrong|Nope|"
                        r"armed|terror|month|system|blue|shield|yellow|cms|red|budget|defence|arms|cap|xml|Extreme|Severe|de|"
                        r"HTTP|Atom|RSS|DOCTYPE|alerts|entry|alert|rss|channel|item|html|"
                        r"EDXLDistribution|contentObject|status|msgType|Ack|Alert|Actual|"
                        r"Test|ffff|XML|CDATA)\b)[A-Za-z]{3,}\b")

# what every refusal of an address ends with, in English and in Russian
REACH = ("which feeds may not reach (networks allowed anyway are set by "
         "PHALANX_FEED_ALLOW_NETWORKS)")
REACH_RU = ("к нему каналы не обращаются (сети-исключения задаёт настройка "
            "PHALANX_FEED_ALLOW_NETWORKS)")

CASES = [
    # an after-action finding on an exercise its host cancelled (Armenia, January 2023)
    ("the exercise was cancelled on 2023-01-10: it was not held and has no after-action "
     "findings",
     "учение отменено 10 января 2023 г.: оно не проводилось, и замечаний по его итогам нет"),
    # a decision's task for a member it does not bind (Armenia not taking part, 2025)
    ("ARM is not bound by the decision (it received it for consideration or stood aside "
     "from it, and has not joined it): it is given no task implementing it",
     "ARM не связано решением (оно получило его для рассмотрения или осталось в стороне "
     "от него и не присоединилось к нему): задачи по его исполнению ему не ставятся"),
    # a CAP message sent again by one who may not read the record it made
    ("message KG-1 from alerts@example.org was already received here",
     "сообщение KG-1 от alerts@example.org здесь уже получено"),
    # a watch entry a Private alert made, escalated for a state it was not sent for
    ("the watch entry is for KAZ only, and so is a crisis escalated from it: ARM cannot "
     "be named affected",
     "пункт наблюдения предназначен только для KAZ, как и кризис, открытый по нему: ARM "
     "нельзя указать как затронутое государство"),
    # an answer to art. 4 where the crisis lies outside the affected member's territory
    ("KAZ owes no answer on crisis 3: its place lies outside the territory of ARM, so no "
     "member owes an answer under the collective-defence article",
     "KAZ не должно отвечать по кризису 3: его место лежит вне территории ARM, поэтому ни "
     "одно государство-член не обязано отвечать по статье о коллективной обороне"),
    # the CRRF against a neighbouring state the report names (`domain/crisis/parties.py`)
    ("the CRRF is not used against CIS partners or neighbouring states: the report names "
     "AZE, a neighbouring state (bordering ARM), as the other party",
     "КСОР не применяются против партнёров по СНГ или соседних государств: сообщение "
     "называет другой стороной AZE, соседнее государство (граничит с ARM)"),
    # a state re-marking its registry unit as it is marked (`forces/marking.py`)
    ("unit crdf-kaz-1 is marked so already",
     "подразделение crdf-kaz-1 уже имеет такой гриф"),
    # a unit or an aircraft added to the registry, a unit moved (`forces/entries.py`)
    ("only RUS's representative or the Joint Staff add RUS's units",
     "подразделения RUS добавляют только представитель RUS или Объединённый штаб"),
    ("only RUS's representative or the Joint Staff add RUS's aircraft",
     "воздушные суда RUS добавляют только представитель RUS или Объединённый штаб"),
    ("XYZ is not a member of the Organization: the registry takes none of its forces",
     "XYZ не является членом Организации: его силы в реестр не вносятся"),
    ("unknown formation 'crdf'", "неизвестное формирование crdf"),
    ("unknown aircraft kind 'Tu-154' (the lift's kinds: An-26, Il-76MD)",
     "неизвестный тип воздушного судна Tu-154 (типы транспортной авиации: An-26, Il-76MD)"),
    ("unit crdf-kaz-1 is in crdf already", "подразделение crdf-kaz-1 уже входит в crdf"),
    ("the registry cannot be read on 2099-01-01: that day is after today (2026-12-06)",
     "реестр нельзя прочитать на 01.01.2099: этот день позже сегодняшнего (06.12.2026)"),
    ("unit crdf-kaz-1 is counted for crdf by a decided deployment plan in force: it leaves "
     "it once it is home",
     "подразделение crdf-kaz-1 учтено в составе crdf действующим утверждённым планом "
     "развёртывания: оно выходит из него, когда вернётся в пункт постоянной дислокации"),
    # a deadline at 00:00 sharp where the Secretariat sits: the day before is the last
    ("the deadline falls on a day off where the Secretariat sits (2026-12-14 00:00, "
     "UTC; the last day to answer is sunday, 2026-12-13): choose a working day, "
     "or confirm the day off",
     "срок приходится на выходной день по месту пребывания Секретариата (14.12.2026 00:00, "
     "UTC; последний день для ответа — воскресенье, 13.12.2026): выберите "
     "рабочий день или подтвердите выходной день"),
    # the chair recording a head of state's answer, or announcing before all answered
    ("XYZ is not among the members consulted (ARM, KAZ, RUS)",
     "XYZ нет среди консультируемых государств-членов (ARM, KAZ, RUS)"),
    ("an answer states a position", "ответ должен содержать позицию"),
    ("the answer is dated 2026-12-06 07:00 UTC, before the consultation opened "
     "(2026-12-06 15:56 UTC)",
     "ответ датирован 06.12.2026 07:00 UTC, раньше начала консультаций (06.12.2026 15:56 "
     "UTC)"),
    ("the answer is dated 2026-12-07 07:00 UTC, in the future",
     "ответ датирован 07.12.2026 07:00 UTC, то есть в будущем"),
    ("not yet reached: ARM, KAZ; the chair announces once every member consulted has "
     "answered",
     "ещё не получены ответы: ARM, KAZ; председатель объявляет решение, когда ответили все "
     "консультируемые государства-члены"),
    # a draft tabled for a crisis of another world (an exercise's, or a real one)
    ("a draft tabled in an exercise's session stays out of a real crisis's file",
     "проект, внесённый на заседании учения, не входит в дело реального кризиса"),
    ("a draft tabled in another exercise's session stays out of this exercise's crisis",
     "проект, внесённый на заседании другого учения, не входит в кризис этого учения"),
    ("a draft for an exercise's crisis is tabled in one of the exercise's sessions, or put "
     "to the heads of state from its crisis room",
     "проект по кризису учения вносится на одном из заседаний учения или направляется "
     "главам государств из комнаты этого кризиса"),
    # a draft for a period of days and for a limited period at once
    ("a period of 14 days is limited already: give the days or a limited period, not both",
     "срок в 14 дней уже ограничен: укажите либо число дней, либо ограниченный срок, но не "
     "то и другое"),
    # an exercise ended or cancelled by its control
    ("crisis 7 is real: only an exercise is ended or cancelled by its control; a real "
     "crisis is closed through the algorithm",
     "кризис 7 реальный: руководство учений завершает или отменяет только учения; "
     "реальный кризис закрывается по алгоритму"),
    ("the exercise of crisis 7 is already over", "учения кризиса 7 уже окончены"),
    # an exercise's consultation, its chair's state not taking part
    ("the chair of csc in 2026 (RUS) takes no part in the exercise: nobody to consult the "
     "heads of state and announce; decide it in the exercise's session",
     "председатель органа «csc» в 2026 году (RUS) не участвует в учениях: некому провести "
     "консультации глав государств и объявить их итог; примите решение на заседании "
     "учений"),
    # the same sent twice (a form sent again, a command run again): refused, naming the
    # first (a body by its key here: a page names it, `errors.body_names`)
    ("draft 12 circulates already with this title, text and deadline",
     "проект 12 уже разослан с тем же названием, текстом и сроком"),
    ("KAZ proposes this amendment already (amendment 4)",
     "KAZ уже предлагает эту поправку (поправка 4)"),
    ("task 9 asks this already of KAZ by 2027-03-01",
     "задача 9 уже поручает это KAZ со сроком 01.03.2027"),
    ("exercise 2026-3 is planned already with this name, host and days",
     "учение 2026-3 уже запланировано с тем же названием, принимающим государством и "
     "сроками"),
    ("KAZ takes part already in exercise 2026-3 with crdf",
     "KAZ уже участвует в учении 2026-3: crdf"),
    ("session 5 of csc is convened already for 2027-03-01 09:00 UTC",
     "заседание 5 органа «csc» уже созвано на 01.03.2027 09:00 UTC"),
    # the membership ledger
    ("only the Secretariat records membership events",
     "события членства вносит только Секретариат"),
    ("only the Secretariat confirms membership events",
     "события членства подтверждает только Секретариат"),
    ("only the Secretariat keeps the contributions ledger",
     "учёт взносов ведёт только Секретариат"),
    ("this organization's rules do not provide for expulsion",
     "правила этой организации не предусматривают исключения"),
    ("a decision taken in an exercise changes no membership",
     "решение, принятое в ходе учения, не меняет членства"),
    ("the contributions ledger and the arrears are read by the members and the "
     "Organization's staff", "учёт взносов и задолженности доступен государствам-членам и "
     "сотрудникам Организации"),
    ("paid more than assessed", "уплачено больше начисленного"),
    ("paid before the year it is for", "уплачено раньше года, за который начислен взнос"),
    ("a decision taken in an exercise appoints nobody",
     "решение, принятое в ходе учения, никого не назначает"),
    ("name the person appointed", "укажите, кто назначается"),
    ("KAZ on 2026-03-01: a suspend is decided by the Council: adopt a decision on the "
     "question, which proposes the event for confirmation",
     "KAZ, 01.03.2026: «приостановление участия» решает Совет: примите "
     "решение по этому вопросу, и оно "
     "предложит событие к подтверждению"),
    ("KAZ on 2026-03-01: a withdrawal takes a written notice at least 6 months ahead: "
     "record the notice; the state leaves once the period has ended and its obligations "
     "are settled", "KAZ, 01.03.2026: о выходе письменно уведомляют "
     "не менее чем за 6 мес.: внесите "
     "уведомление; государство выходит по истечении этого срока и после урегулирования "
     "своих обязательств"),
    ("ARM on 2026-09-01: ARM's obligations are not settled by 2026-09-01 (notice of "
     "2026-01-10): the state withdraws after settling them",
     "ARM, 01.09.2026: обязательства ARM не урегулированы к 01.09.2026 "
     "(уведомление от 10.01.2026): "
     "государство выходит после их урегулирования"),
    ("KAZ on 2026-03-01: overlapping membership: already a member since 1994-04-20",
     "KAZ, 01.03.2026: членство пересекается: государство уже член с 20.04.1994"),
    ("KAZ on 2026-03-01: already a member since 1994-04-20",
     "KAZ, 01.03.2026: уже в статусе «член» с 20.04.1994"),
    ("XYZ on 2026-03-01: cannot resume: not a member or signatory at that date",
     "XYZ, 01.03.2026: событие «возобновление участия» невозможно: "
     "на эту дату государство не член и не "
     "подписант"),
    ("KAZ on 2026-03-01: cannot resume while member (since 1994-04-20)",
     "KAZ, 01.03.2026: событие «возобновление участия» невозможно в статусе «член» (с 20.04.1994)"),
    ("ARM on 2026-03-01: withdrawal on 2026-03-01 before the notice period ends "
     "(2026-07-10, notice of 2026-01-10)",
     "ARM, 01.03.2026: выход 01.03.2026 — до истечения срока "
     "уведомления (10.07.2026, уведомление от "
     "10.01.2026)"),
    ("ARM on 2026-03-01: withdrawal on 2026-03-01 before the obligations are settled "
     "(notice of 2025-01-10)", "ARM, 01.03.2026: выход 01.03.2026 — до урегулирования обязательств "
     "(уведомление от 10.01.2025)"),
    ("ARM on 2026-03-01: a notice of withdrawal needs a member",
     "ARM, 01.03.2026: уведомить о выходе может только государство-член"),
    ("ARM on 2026-03-01: obligations settled without a notice of withdrawal before it",
     "ARM, 01.03.2026: обязательства урегулированы, но уведомления о выходе перед этим не было"),
    ("not a membership question: 'budget'", "это не вопрос членства: budget"),
    ("membership record 7 is confirmed, not proposed",
     "запись о членстве 7 уже подтверждена, а не предложена"),
    # the Secretariat's and the Joint Staff's own actions
    ("only the Secretariat and the Joint Staff may table a draft",
     "вносить проект могут только Секретариат и Объединённый штаб"),
    ("only the Secretariat and the Joint Staff may set the agenda",
     "определять повестку дня могут только Секретариат и Объединённый штаб"),
    ("only the Secretariat and the Joint Staff convene consultations",
     "созывать консультации могут только Секретариат и Объединённый штаб"),
    ("only the Secretariat and the Joint Staff plan joint exercises",
     "совместные учения планируют только Секретариат и Объединённый штаб"),
    ("only the Secretariat and the Joint Staff change a record's key",
     "ключ записи меняют только Секретариат и Объединённый штаб"),
    # exercises and registers
    ("convene consultations before deciding",
     "прежде чем принимать решение, созовите консультации"),
    ("the calendar is PUBLIC or ORGANIZATION",
     "гриф календаря — «ОТКРЫТО» или «ДЛЯ ОРГАНИЗАЦИИ»"),
    ("unknown scenario 'nowhere' (scenarios: blue-shield, yellow)",
     "неизвестный сценарий nowhere (сценарии: blue-shield, yellow)"),
    ("'nowhere' is neither a body, a state nor 'secretariat'",
     "nowhere — не орган, не государство и не Секретариат (secretariat)"),
    ("only the finding's owner (KAZ) or the Secretariat closes it",
     "замечание закрывает только его владелец (KAZ) или Секретариат"),
    ("unknown partner organization 'nowhere'", "неизвестная организация-партнёр nowhere"),
    ("unknown commission 'nowhere' (commissions: defence, red)",
     "неизвестная комиссия nowhere (комиссии: defence, red)"),
    ("unknown commission 'nowhere'", "неизвестная комиссия nowhere"),
    ("unknown category 'nowhere' (categories: arms, cms)",
     "неизвестная категория nowhere (категории: arms, cms)"),
    ("unknown institution 'nowhere' (institutions: kaz, red)",
     "неизвестное учебное заведение nowhere (учебные заведения: kaz, red)"),
    ("unknown register 'nowhere'; one of: feed, red",
     "неизвестный реестр nowhere; допустимые: feed, red"),
    ("ml-2024-01 was adopted on 2024-11-20", "ml-2024-01 уже принят 20.11.2024"),
    # a register's record its rules refuse
    ("2026-01-01 is before start 2026-03-01", "01.01.2026 — раньше начальной даты 01.03.2026"),
    ("KAZ is not a member state on 2026-01-01",
     "KAZ не является государством-членом на 1 января 2026 г."),
    ("a participant names its formation", "участник указывает своё формирование"),
    ("0 is not a strength", "0 — не численность"),
    ("2026-01-01 is before the exercise began (2026-03-01)",
     "01.01.2026 — раньше начала учения (01.03.2026)"),
    ("the model law is not adopted yet: nothing to transpose",
     "модельный закон ещё не принят: имплементировать нечего"),
    ("2026-01-01 is before the model law was adopted (2026-03-01)",
     "01.01.2026 — раньше принятия модельного закона (01.03.2026)"),
    ("2026-01-01 is before the last recorded change (2026-03-01)",
     "01.01.2026 — раньше последнего внесённого изменения (01.03.2026)"),
    ("cannot go from not_started to adopted (allowed: draft, in_progress)",
     "статус «не начат» не меняется на «принят» (допустимо: проект, в работе)"),
    ("already adopted", "статус уже «принят»"),
    ("an adopted national act needs its reference",
     "для принятого национального акта нужны его реквизиты"),
    ("-1 is negative", "-1 — отрицательное значение"),
    ("12 enrolled exceeds the 10 places allocated to KAZ",
     "зачислено 12 — больше 10 мест, выделенных KAZ"),
    ("11 graduated exceeds the 10 enrolled from KAZ",
     "выпущено 11 — больше 10 зачисленных от KAZ"),
    ("a supply is between two different states",
     "поставка осуществляется между двумя разными государствами"),
    ("0 is not a positive quantity", "0 — не положительное количество"),
    ("5 of 10 already delivered: 6 more would exceed the agreed quantity",
     "уже поставлено 5 из 10: ещё 6 превысит согласованное количество"),
    ("2026-01-01 is before the agreement (2026-03-01)",
     "01.01.2026 — раньше даты соглашения (01.03.2026)"),
    # crises, drafts, records, forces and operations
    ("the organization defines no crisis categories",
     "в организации не определены категории кризисов"),
    ("unknown category 'nowhere' (known: armed, terror)",
     "неизвестная категория nowhere (известные: armed, terror)"),
    ("['XYZ'] are not members on 2026-01-01",
     "['XYZ'] не являются членами на 1 января 2026 г."),
    ("unknown states ['XYZ']", "неизвестные государства ['XYZ']"),
    ("unknown formations ['nowhere'] (the registry has crdf, cms)",
     "неизвестные формирования ['nowhere'] (в реестре: crdf, cms)"),
    ("the limited format is not chosen when tabling: a member declares that it stays out "
     "(position 'not_taking_part') while the draft is open",
     "ограниченный формат не выбирают при внесении проекта: пока проект открыт, "
     "государство-член само заявляет, что остаётся в стороне (позиция «не участвует в решении»)"),
    ("you may not create records owned by state RUS",
     "вы не можете создавать записи владельца «государство» RUS"),
    ("unknown state codes: ARM, XYZ", "неизвестные коды государств: ARM, XYZ"),
    ("unknown state code 'XYZ'", "неизвестный код государства XYZ"),
    ("a deployment is decided by the Joint Staff or the Secretariat",
     "развёртывание утверждают Объединённый штаб или Секретариат"),
    ("the deployment planner is run by the Joint Staff or the Secretariat",
     "планирование развёртывания запускают Объединённый штаб или Секретариат"),
    ("force requirements are stated by the Joint Staff or the Secretariat",
     "потребности в силах определяют Объединённый штаб или Секретариат"),
    ("the withdrawal is planned by the Joint Staff or the Secretariat",
     "вывод сил планируют Объединённый штаб или Секретариат"),
    ("unknown base 'nowhere'", "неизвестная база nowhere"),
    ("results are reported by the national agencies' reporters",
     "результаты сообщают докладчики национальных ведомств"),
    ("a state's representative releases its national reports",
     "национальные отчёты государства выпускает его представитель"),
    ("you report for KAZ police, not for KAZ customs",
     "вы отчитываетесь за KAZ (полиция), а не за KAZ (таможня)"),
    ("cannot group by ['nowhere'] (by: agency, month)",
     "нельзя группировать по ['nowhere'] (допустимо: agency, month)"),
    # feeds
    ("XYZ is not a state of the organization", "XYZ — не государство организации"),
    ("the feed https://example.org/cap.xml is already registered",
     "канал https://example.org/cap.xml уже зарегистрирован"),
    ("one of Extreme, Severe", "одно из значений: Extreme, Severe"),
    ("['Nope'] are not CAP categories", "['Nope'] — не категории CAP"),
    # a feed's address refused when registered, or by a poll (`guarded_http`)
    ('127.0.0.1 is a loopback address, ' + REACH,
     '127.0.0.1 — адрес обратной петли (самого сервера), ' + REACH_RU),
    ("10.1.2.3 is a private network's address, " + REACH,
     '10.1.2.3 — адрес частной сети, ' + REACH_RU),
    ('169.254.169.254 is a link-local address, ' + REACH,
     ('169.254.169.254 — адрес локального сегмента сети (например, служба метаданных '
      'облака), ') + REACH_RU),
    ('0.0.0.0 is an unspecified address, ' + REACH,
     '0.0.0.0 — неопределённый адрес, ' + REACH_RU),
    ('224.0.0.1 is a multicast address, ' + REACH,
     '224.0.0.1 — адрес групповой рассылки, ' + REACH_RU),
    ('240.0.0.1 is a reserved address, ' + REACH,
     '240.0.0.1 — зарезервированный адрес, ' + REACH_RU),
    ('100.64.0.1 is an address that is not globally routable, ' + REACH,
     '100.64.0.1 — адрес, не маршрутизируемый в интернете, ' + REACH_RU),
    ("::ffff:a00:7 (IPv4 10.0.0.7) is a private network's address, " + REACH,
     '::ffff:a00:7 (IPv4 10.0.0.7) — адрес частной сети, ' + REACH_RU),
    ("alerts.kz resolves to 10.0.0.1, a private network's address, " + REACH,
     'alerts.kz указывает на 10.0.0.1 — адрес частной сети, ' + REACH_RU),
    ("port 5432 is not http's default (80), which feeds may not reach (ports allowed "
     'anyway are set by PHALANX_FEED_ALLOW_PORTS)',
     'порт 5432 — не стандартный для http (80), к нему каналы не обращаются '
     '(порты-исключения задаёт настройка PHALANX_FEED_ALLOW_PORTS)'),
    ('only http and https are fetched',
     'каналы загружаются только по http и https'),
    ('no host',
     'в адресе нет имени сервера'),
    ('an address with a user name or password is not fetched',
     'адрес с именем пользователя или паролем не загружается'),
    ('the port is not a number from 0 to 65535',
     'порт — не число от 0 до 65535'),
    ('when registered, cannot resolve alerts.kz: no such name (each poll checks the '
     'address again)',
     'при регистрации: не удалось найти адрес сервера alerts.kz: такого имени нет (адрес '
     'проверяется заново при каждом опросе)'),
    ('cannot resolve alerts.kz: the name server did not answer',
     'не удалось найти адрес сервера alerts.kz: сервер имён не ответил'),
    ('cannot resolve alerts.kz: no address',
     'не удалось найти адрес сервера alerts.kz: у имени нет адреса'),
    # a poll's errors, each naming its URL
    ('https://alerts.kz/cap.xml: the connection was refused',
     'https://alerts.kz/cap.xml: сервер отказал в соединении'),
    ('https://alerts.kz/cap.xml: the connection was reset',
     'https://alerts.kz/cap.xml: соединение сброшено'),
    ('https://alerts.kz/cap.xml: the network is unreachable',
     'https://alerts.kz/cap.xml: сеть недоступна'),
    ('https://alerts.kz/cap.xml: no route to the host',
     'https://alerts.kz/cap.xml: нет маршрута до сервера'),
    ("https://alerts.kz/cap.xml: the server closed the connection without an answer",
     "https://alerts.kz/cap.xml: сервер закрыл соединение, не ответив"),
    ("https://alerts.kz/cap.xml: the answer was cut short",
     "https://alerts.kz/cap.xml: ответ сервера оборвался"),
    ('https://alerts.kz/cap.xml (redirected to http://10.0.0.1/): HTTP 302 without a '
     'Location',
     'https://alerts.kz/cap.xml (перенаправлен на http://10.0.0.1/): ответ HTTP 302 без '
     'адреса перенаправления'),
    ('https://alerts.kz/cap.xml: HTTP 503 Service Unavailable',
     'https://alerts.kz/cap.xml: сервер ответил кодом HTTP 503'),
    ('https://alerts.kz/cap.xml: more than 5 redirects',
     'https://alerts.kz/cap.xml: больше 5 перенаправлений'),
    ('https://alerts.kz/cap.xml: more than 4096 bytes (9000)',
     'https://alerts.kz/cap.xml: больше 4096 байт (9000)'),
    ('https://alerts.kz/cap.xml: more than 4096 bytes',
     'https://alerts.kz/cap.xml: больше 4096 байт'),
    ('https://alerts.kz/cap.xml: not read within 60 seconds',
     'https://alerts.kz/cap.xml: не получено за 60 с'),
    ('https://alerts.kz/cap.xml: the server did not answer within 20 seconds',
     'https://alerts.kz/cap.xml: нет ответа за 20 с'),
    ("https://alerts.kz/cap.xml: the connection was not made within the fetch's time: "
     "the connection was refused",
     'https://alerts.kz/cap.xml: соединение не установлено за отведённое время: сервер '
     'отказал в соединении'),
    # what an index or an alert it lists does not give
    ('https://alerts.kz/cap.xml: line 9, /feed/entry: an entry with neither a CAP alert '
     'nor a link to one, skipped',
     'https://alerts.kz/cap.xml: строка 9, /feed/entry: запись без оповещения CAP и без '
     'ссылки на него пропущена'),
    ('line 3, /feed/alert: a CAP alert outside any <entry>, ignored',
     'строка 3, /feed/alert: оповещение CAP вне записи <entry> не учтено'),
    ('line 4, /rss/channel/item: an item without a link to a CAP alert, skipped',
     'строка 4, /rss/channel/item: элемент без ссылки на оповещение CAP пропущен'),
    ('line 5, /EDXLDistribution/contentObject: a contentObject without an embedded CAP '
     'alert, skipped',
     'строка 5, /EDXLDistribution/contentObject: объект contentObject без вложенного '
     'оповещения CAP пропущен'),
    ('line 1, /EDXLDistribution: a distribution without an embedded CAP alert',
     'строка 1, /EDXLDistribution: пакет без вложенного оповещения CAP'),
    ('line 1, /html: neither a CAP alert nor an Atom or RSS index of alerts',
     'строка 1, /html: это не оповещение CAP и не перечень оповещений Atom или RSS'),
    ('/: not a CAP alert (expected an <alert> in the CAP 1.2, 1.1 or 1.0 namespace)',
     '/: это не оповещение CAP (ожидается <alert> в пространстве имён CAP 1.2, 1.1 или '
     '1.0)'),
    ('line 2, /alert/status: required element is missing or empty (the alert means '
     "nothing without it); line 3, /alert/msgType: 'Nope' is not a CAP message type (Ack, "
     'Alert)',
     'строка 2, /alert/status: обязательный элемент отсутствует или пуст (без него '
     'оповещение не имеет смысла); строка 3, /alert/msgType: Nope — не тип сообщения CAP '
     '(Ack, Alert)'),
    ("line 2, /alert/status: 'Nope' is not a CAP status (Actual, Test)",
     'строка 2, /alert/status: Nope — не статус CAP (Actual, Test)'),
    ('/: refused: a DOCTYPE or entity declaration is not allowed in an alert '
     '(EntitiesForbidden)',
     '/: отклонено: объявления DOCTYPE и сущностей в оповещении недопустимы'),
    ('/: not well-formed XML: mismatched tag: line 3, column 2',
     '/: ошибка разметки XML: закрывающий тег не совпадает с открывающим (строка 3, '
     'позиция 2)'),
    ('/: the file is 5000 bytes; the limit is 4096',
     '/: размер файла 5000 байт; предел 4096'),
    # a feed's last error: several, each translated
    ("http://10.1.2.3/a.xml: 10.1.2.3 is a private network's address, " + REACH
     + "; https://alerts.kz/b.xml: not read within 60 seconds",
     "http://10.1.2.3/a.xml: 10.1.2.3 — адрес частной сети, " + REACH_RU
     + "; https://alerts.kz/b.xml: не получено за 60 с"),
    # users and tokens
    ("expires: between 1 and 730 days", "срок действия: от 1 до 730 дней"),
    ("scopes: ['admin'] are beyond what a planner may do (allowed: ['manage', 'read'])",
     "права доступа: ['admin'] выходят за пределы полномочий роли «планировщик» "
     "(допустимы: ['manage', 'read'])"),
    ("username: 'bob' is taken", "имя пользователя bob занято"),
    ("username 'B o b': 2-64 characters a-z 0-9 . _ -, starting with a letter or digit",
     "имя пользователя B o b: от 2 до 64 символов a-z 0-9 . _ -, первый — буква или "
     "цифра"),
    ("password: at least 12 characters", "пароль: не короче 12 символов"),
    ('password: Repeats like "aaa" are easy to guess. Add another word or two.',
     "пароль слишком легко подобрать: выберите более длинный, из нескольких редких слов"),
    ("state: unknown state code 'XYZ'", "государство: неизвестный код государства XYZ"),
    ("state: a reporter acts for a state (--state CODE)",
     "государство: роль «докладчик» действует от имени государства (--state КОД)"),
    ("state: a planner does not act for a state",
     "государство: роль «планировщик» не действует от имени государства"),
    ("agency: only reporters are bound to an agency",
     "ведомство: за ведомством закрепляются только докладчики"),
    ("state: XYZ is not a member of the organization on 2026-12-04; a non-member "
     "state's users are observers", "государство: XYZ не является членом организации на "
     "4 декабря 2026 г.; пользователи государства, не являющегося членом, — наблюдатели"),
    ("role: 'system' is not a user role", "роль: system не является ролью пользователя"),
    ("email: 'bob' is not an address", "электронная почта: bob — не адрес"),
    ("language: 'de' is not one of en, ru", "язык: de — не один из en, ru"),
    ("user 'bob' is deactivated", "пользователь bob отключён"),
    ("acts_until: a planner does not act for a state",
     "срок полномочий: планировщик не действует от имени государства"),
    ("body: nothing to change (language, acts_until)",
     "изменить нечего: не указаны ни язык, ни срок полномочий"),
    ("bob's appointment to act for KAZ ended on 2026-05-31",
     "полномочия bob действовать от имени KAZ истекли 31.05.2026"),
    ("bob's appointment to act for KAZ ended",
     "полномочия bob действовать от имени KAZ истекли"),
    ("bob's appointment to act for KAZ lapsed on 2010-04-07, when its authorities changed "
     "outside the constitution; the authorities in power have not confirmed it",
     "полномочия bob действовать от имени KAZ прекратились 07.04.2010, когда власть в "
     "государстве сменилась неконституционным путём; находящиеся у власти органы их не "
     "подтвердили"),
    ("only the Secretariat records a change of a state's authorities",
     "смену власти в государстве записывает только Секретариат"),
    ("since: KAZ is not a member of the organization on 2020-03-01",
     "с: KAZ не является членом Организации на 1 марта 2020 г."),
    ("since: a change of KAZ's authorities is already recorded on 2010-04-07",
     "с: смена власти в KAZ на 7 апреля 2010 г. уже записана"),
    ("username: no change of KAZ's authorities is recorded; its users' appointments stand "
     "as made", "пользователь: смена власти в KAZ не записана; полномочия его пользователей "
     "действуют, как были даны"),
    ("KAZ is not a member of the organization on 2020-03-01",
     "KAZ не является членом Организации на 1 марта 2020 г."),
    ("a change of KAZ's authorities is already recorded on 2010-04-07",
     "смена власти в KAZ на 7 апреля 2010 г. уже записана"),
    ("since: a change of authorities outside the constitution is recorded once it has "
     "happened: 2027-03-01 is after today (2026-12-06)",
     "с: неконституционная смена власти записывается, когда она уже произошла: "
     "1 марта 2027 г. — позже сегодняшнего дня (06.12.2026)"),
    ("a change of authorities outside the constitution is recorded once it has "
     "happened: 2027-03-01 is after today (2026-12-06)",
     "неконституционная смена власти записывается, когда она уже произошла: "
     "1 марта 2027 г. — позже сегодняшнего дня (06.12.2026)"),
    ("username: a planner does not act for a state",
     "пользователь: планировщик не действует от имени государства"),
    ("username: admin may not stop its own account",
     "пользователь: admin не может остановить собственную учётную запись"),
    # several problems of one new user, each translated
    ("password: at least 12 characters; email: 'bob' is not an address",
     "пароль: не короче 12 символов; электронная почта: bob — не адрес"),
    # a member's answer whether its units take part, refused beside its form in the room
    ("KAZ: 'some' names no unit",
     "KAZ: в ответе «некоторые» не названо ни одного подразделения"),
    ("KAZ: units are named only with 'some' (the answer is 'none')",
     "KAZ: подразделения называются только при ответе «некоторые» (ответ: «ни одного»)"),
    ("KAZ: unknown unit 'kaz-mr-9'", "KAZ: неизвестное подразделение «kaz-mr-9»"),
    ("RUS: unit kaz-mr-1 belongs to KAZ, which alone may make it available",
     "RUS: подразделение kaz-mr-1 принадлежит KAZ, и только оно может его предоставить"),
    ("KAZ answered twice for this crisis", "KAZ ответило по этому кризису дважды"),
    # a head of state removed by a coup: the representative names whom it answers for
    ("KAZ's authorities changed outside the constitution on 2010-04-07: the holder of its "
     "seat in csc the dataset names no longer speaks for it; name in whose name the answer "
     "is given",
     "07.04.2010 власть в KAZ сменилась неконституционным путём: указанный в данных член "
     "органа «csc» от этого государства больше не выступает от его имени; укажите, от "
     "чьего имени дан ответ"),
    # the member named as the other party is not asked whether its units take part
    ("KAZ is named as the other party (a dispute between members): its units take no part "
     "in the response",
     "KAZ названо другой стороной (спор между государствами-членами): его подразделения в "
     "ответных мерах не участвуют"),
    # an expired decision is not extended: a new decision is needed
    ("decision 2026/3 expired after its last day in force 2026-02-09: an expired "
     "decision is not extended, a new decision is needed",
     "срок действия решения 2026/3 истёк (последний день — 09.02.2026): истёкшее "
     "решение не продлевается, нужно новое решение"),
    ("this extension would enter into force on 2026-02-14, after decision 2026/3's "
     "last day 2026-02-09: an expired decision is not extended",
     "это продление вступило бы в силу 14.02.2026, после последнего дня действия решения "
     "2026/3 (09.02.2026): истёкшее решение не продлевается"),
    # the same of a decision the reader (the one adopting) may not read: named by no number
    ("a decision you may not read is a statement: it is neither amended, extended, "
     "suspended nor repealed",
     "решение, недоступное вам, — заявление: оно не изменяется, не продлевается, не "
     "приостанавливается и не отменяется"),
    ("a decision you may not read belongs to an exercise: a decision modifies only one of "
     "its own register",
     "решение, недоступное вам, относится к учению: решение изменяет только решения "
     "своего реестра"),
    ("a decision you may not read belongs to the real register: a decision modifies only "
     "one of its own register",
     "решение, недоступное вам, относится к реальному реестру: решение изменяет только "
     "решения своего реестра"),
    ("a decision you may not read was adopted on 2026-03-02, after this decision "
     "(2026-03-01): a decision modifies only an earlier one",
     "решение, недоступное вам, принято 02.03.2026, позже этого решения (01.03.2026): "
     "решение изменяет только ранее принятое"),
    ("a decision you may not read is already repealed by decision 2026/4",
     "решение, недоступное вам, уже отменено решением 2026/4"),
    ("a decision you may not read is already repealed by a decision you may not read",
     "решение, недоступное вам, уже отменено решением, также недоступным вам"),
    ("a decision you may not read has no last day to extend",
     "у решения, недоступного вам, нет последнего дня действия, который можно продлить"),
    ("a decision you may not read expired after its last day in force 2026-02-09: an "
     "expired decision is not extended, a new decision is needed",
     "срок действия решения, недоступного вам, истёк (последний день — 09.02.2026): "
     "истёкшее решение не продлевается, нужно новое решение"),
    ("this extension would enter into force on 2026-02-14, after the last day "
     "(2026-02-09) of a decision you may not read: an expired decision is not extended",
     "это продление вступило бы в силу 14.02.2026, после последнего дня действия "
     "решения, недоступного вам (09.02.2026): истёкшее решение не продлевается"),
    ("the new last day 2026-02-14 is not after the last day (2026-02-20) of a decision "
     "you may not read",
     "новый последний день 14.02.2026 не позже последнего дня действия решения, "
     "недоступного вам (20.02.2026)"),
]

# a feed's errors that quote the words of a library or the system as they are (a
# certificate's, a runtime's, a parser's): Russian around them
TECHNICAL = [
    ("https://alerts.kz/cap.xml: not an HTTP answer (BadStatusLine: 42)",
     "https://alerts.kz/cap.xml: ответ не по протоколу HTTP (BadStatusLine: 42)"),
    ("https://alerts.kz/cap.xml: the server's certificate is not accepted: [SSL: "
     'CERTIFICATE_VERIFY_FAILED]',
     'https://alerts.kz/cap.xml: сертификат сервера не принят: [SSL: '
     'CERTIFICATE_VERIFY_FAILED]'),
    ("unexpected error: KeyError: 42",
     "непредвиденная ошибка: KeyError: 42"),
    ('/: not well-formed XML: Document is empty',
     '/: ошибка разметки XML: Document is empty'),
]
