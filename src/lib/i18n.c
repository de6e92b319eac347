/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * i18n.c - the server's message catalogue (lib). One row a key, with en, lt, ru texts.
 * A unit test checks that every row has all three languages.
 */
#include "i18n.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

struct msg {
    const char *key;
    const char *text[LANG_COUNT];
};

static const struct msg catalogue[] = {
    /* problem titles, by error slug */
    {"title.invalid", {"Invalid request", "Neteisinga užklausa", "Неверный запрос"}},
    {"title.not-found", {"Not found", "Nerasta", "Не найдено"}},
    {"title.forbidden", {"Forbidden", "Draudžiama", "Доступ запрещён"}},
    {"title.conflict", {"Conflict", "Konfliktas", "Конфликт"}},
    {"title.unauthorized", {"Not signed in", "Neprisijungta", "Вход не выполнен"}},
    {"title.stale",
     {"Changed by someone else", "Pakeista kito naudotojo", "Изменено другим пользователем"}},
    {"title.precondition-required",
     {"If-Match required", "Reikalingas If-Match", "Требуется If-Match"}},
    {"title.too-many-attempts", {"Too many attempts", "Per daug bandymų", "Слишком много попыток"}},
    {"title.too-large", {"Request too large", "Užklausa per didelė", "Слишком большой запрос"}},
    {"title.unsupported-media-type",
     {"Unsupported media type", "Nepalaikomas turinio tipas", "Неподдерживаемый тип содержимого"}},
    {"title.method-not-allowed",
     {"Method not allowed", "Metodas neleidžiamas", "Метод не разрешён"}},
    {"title.uri-too-long", {"Address too long", "Adresas per ilgas", "Слишком длинный адрес"}},
    {"title.unavailable", {"Service unavailable", "Paslauga nepasiekiama", "Сервис недоступен"}},
    {"title.internal", {"Internal error", "Vidinė klaida", "Внутренняя ошибка"}},
    /* details */
    {"err.required",
     {"{field} is required", "Laukas {field} privalomas", "Поле {field} обязательно"}},
    {"err.type_string",
     {"{field} must be a string", "Laukas {field} turi būti tekstas",
      "Поле {field} должно быть строкой"}},
    {"err.type_integer",
     {"{field} must be an integer", "Laukas {field} turi būti sveikasis skaičius",
      "Поле {field} должно быть целым числом"}},
    {"err.type_boolean",
     {"{field} must be true or false", "Laukas {field} turi būti true arba false",
      "Поле {field} должно быть true или false"}},
    {"err.type_object",
     {"{field} must be an object", "Laukas {field} turi būti objektas",
      "Поле {field} должно быть объектом"}},
    {"err.type_array",
     {"{field} must be an array", "Laukas {field} turi būti masyvas",
      "Поле {field} должно быть массивом"}},
    {"err.unknown_field",
     {"Unknown field {field}", "Nežinomas laukas {field}", "Неизвестное поле {field}"}},
    {"err.json",
     {"The request body is not valid JSON: {arg}", "Užklausos turinys nėra teisingas JSON: {arg}",
      "Тело запроса не является корректным JSON: {arg}"}},
    {"err.body_object",
     {"The request body must be a JSON object", "Užklausos turinys turi būti JSON objektas",
      "Тело запроса должно быть JSON-объектом"}},
    {"err.body_empty",
     {"The request body is empty", "Užklausos turinys tuščias", "Тело запроса пустое"}},
    {"err.too_long",
     {"{field} is too long (at most {arg} characters)",
      "Laukas {field} per ilgas (daugiausia {arg} simbolių)",
      "Поле {field} слишком длинное (не более {arg} символов)"}},
    {"err.too_short",
     {"{field} is too short (at least {arg} characters)",
      "Laukas {field} per trumpas (mažiausiai {arg} simbolių)",
      "Поле {field} слишком короткое (не менее {arg} символов)"}},
    {"err.control_chars",
     {"{field} must not contain control characters", "Lauke {field} negali būti valdymo simbolių",
      "Поле {field} не должно содержать управляющих символов"}},
    {"err.login_format",
     {"{field} may hold only letters a-z, digits, dot, dash and underscore (3-64 characters)",
      "Lauke {field} gali būti tik raidės a-z, skaitmenys, taškas, brūkšnys ir pabraukimas (3-64 "
      "simboliai)",
      "Поле {field} может содержать только буквы a-z, цифры, точку, дефис и подчёркивание (3-64 "
      "символа)"}},
    {"err.role",
     {"{field} must be one of manager, head, director, logistics, admin",
      "Laukas {field} turi būti vienas iš: manager, head, director, logistics, admin",
      "Поле {field} должно быть одним из: manager, head, director, logistics, admin"}},
    {"err.lang",
     {"{field} must be one of en, lt, ru", "Laukas {field} turi būti vienas iš: en, lt, ru",
      "Поле {field} должно быть одним из: en, lt, ru"}},
    {"err.not_found", {"No such {arg}", "Tokio įrašo nėra: {arg}", "Не найдено: {arg}"}},
    {"err.route_not_found",
     {"No such address: {arg}", "Tokio adreso nėra: {arg}", "Нет такого адреса: {arg}"}},
    {"err.method_not_allowed",
     {"Method {arg} is not allowed here", "Metodas {arg} čia neleidžiamas",
      "Метод {arg} здесь не разрешён"}},
    {"err.forbidden",
     {"Your role may not do this", "Jūsų rolei tai neleidžiama", "Вашей роли это не разрешено"}},
    {"err.unauthorized",
     {"Sign in first (missing or expired session or token)",
      "Pirmiausia prisijunkite (nėra sesijos arba ji pasibaigė)",
      "Сначала войдите (сеанс отсутствует или истёк)"}},
    {"err.bad_credentials",
     {"Wrong login or password", "Neteisingas prisijungimo vardas arba slaptažodis",
      "Неверный логин или пароль"}},
    {"err.csrf",
     {"Missing or wrong CSRF token (send the X-CSRF-Token header)",
      "Trūksta CSRF žetono arba jis neteisingas (siųskite X-CSRF-Token antraštę)",
      "Отсутствует или неверен CSRF-токен (передайте заголовок X-CSRF-Token)"}},
    {"err.throttled",
     {"Too many failed sign-in attempts; try again in {arg} seconds",
      "Per daug nesėkmingų bandymų prisijungti; bandykite po {arg} s",
      "Слишком много неудачных попыток входа; повторите через {arg} с"}},
    {"err.body_too_large",
     {"The request body is larger than {arg} bytes", "Užklausos turinys didesnis nei {arg} baitų",
      "Тело запроса больше {arg} байт"}},
    {"err.uri_too_long", {"The address is too long", "Adresas per ilgas", "Адрес слишком длинный"}},
    {"err.if_match_required",
     {"Send If-Match with the version you edited (from the ETag)",
      "Siųskite If-Match su redaguota versija (iš ETag)",
      "Передайте If-Match с версией, которую вы редактировали (из ETag)"}},
    {"err.if_match_format",
     {"If-Match must be a quoted version, like \"3\"",
      "If-Match turi būti versija kabutėse, pvz. \"3\"",
      "If-Match должен быть версией в кавычках, например \"3\""}},
    {"err.stale",
     {"This {arg} was changed by someone else; reload it and apply your change again",
      "Šį įrašą ({arg}) pakeitė kitas naudotojas; įkelkite iš naujo ir pakeiskite dar kartą",
      "Эту запись ({arg}) изменил другой пользователь; обновите её и внесите изменение снова"}},
    {"err.login_taken",
     {"The login {arg} is already taken", "Prisijungimo vardas {arg} jau užimtas",
      "Логин {arg} уже занят"}},
    {"err.department_name_taken",
     {"A department named {arg} already exists", "Skyrius pavadinimu {arg} jau yra",
      "Отдел с названием {arg} уже существует"}},
    {"err.department_in_use",
     {"The department still has users; move them first",
      "Skyriuje dar yra naudotojų; pirmiausia juos perkelkite",
      "В отделе ещё есть пользователи; сначала переведите их"}},
    {"err.ref_not_found",
     {"{field}: no such {arg}", "{field}: tokio įrašo nėra ({arg})",
      "{field}: запись не найдена ({arg})"}},
    {"err.wrong_password",
     {"The current password is wrong", "Dabartinis slaptažodis neteisingas",
      "Текущий пароль неверен"}},
    {"err.media_type",
     {"Content-Type must be application/json", "Content-Type turi būti application/json",
      "Content-Type должен быть application/json"}},
    {"err.query_param",
     {"Query parameter {field} has an invalid value",
      "Užklausos parametro {field} reikšmė neteisinga", "Недопустимое значение параметра {field}"}},
    {"err.limit",
     {"{field} must be between 1 and {arg}", "Laukas {field} turi būti nuo 1 iki {arg}",
      "Поле {field} должно быть от 1 до {arg}"}},
    {"err.cursor",
     {"{field} is not a cursor this server gave", "Laukas {field} nėra šio serverio žymeklis",
      "Поле {field} не является курсором этого сервера"}},
    {"err.positive_id",
     {"{field} must be a positive id", "Laukas {field} turi būti teigiamas identifikatorius",
      "Поле {field} должно быть положительным идентификатором"}},
    {"err.internal",
     {"Something went wrong on the server (request {arg})",
      "Serveryje įvyko klaida (užklausa {arg})", "На сервере произошла ошибка (запрос {arg})"}},
    {"err.db",
     {"The database failed (request {arg})", "Duomenų bazės klaida (užklausa {arg})",
      "Ошибка базы данных (запрос {arg})"}},
    {"err.shutting_down",
     {"The server is shutting down", "Serveris stabdomas", "Сервер останавливается"}},
    {"err.config_open",
     {"Cannot open the configuration file {arg}", "Nepavyko atidaryti konfigūracijos failo {arg}",
      "Не удалось открыть файл конфигурации {arg}"}},
    {"err.config_line",
     {"Bad line in the configuration file {arg} (expected key = value)",
      "Bloga konfigūracijos failo eilutė {arg} (laukiama raktas = reikšmė)",
      "Неверная строка файла конфигурации {arg} (ожидается ключ = значение)"}},
    {"err.db_url",
     {"Cannot open the database {arg}", "Nepavyko atidaryti duomenų bazės {arg}",
      "Не удалось открыть базу данных {arg}"}},
    {"err.self_deactivate",
     {"You cannot deactivate or demote your own account",
      "Negalite išjungti ar pažeminti savo paskyros",
      "Нельзя отключить или понизить собственную учётную запись"}},
    {"err.tz",
     {"{field} must be a time zone name like Europe/Vilnius",
      "Laukas {field} turi būti laiko juostos pavadinimas, pvz. Europe/Vilnius",
      "Поле {field} должно быть названием часового пояса, например Europe/Vilnius"}},
    {"err.company_code_lt",
     {"{field}: a Lithuanian company code has 9 digits",
      "{field}: Lietuvos įmonės kodą sudaro 9 skaitmenys",
      "{field}: код литовского предприятия состоит из 9 цифр"}},
    {"err.company_code",
     {"{field} must be 2-20 letters, digits, spaces, dots, dashes or slashes",
      "Lauke {field} turi būti 2-20 raidžių, skaitmenų, tarpų, taškų, brūkšnių ar pasvirųjų "
      "brūkšnių",
      "Поле {field} должно содержать 2-20 букв, цифр, пробелов, точек, дефисов или косых черт"}},
    {"err.vat_code_lt",
     {"{field}: a Lithuanian VAT code is LT and 9 or 12 digits",
      "{field}: Lietuvos PVM kodas yra LT ir 9 arba 12 skaitmenų",
      "{field}: литовский код НДС - это LT и 9 или 12 цифр"}},
    {"err.vat_code",
     {"{field} must be a country prefix and 2-13 letters or digits",
      "Lauke {field} turi būti šalies priešdėlis ir 2-13 raidžių ar skaitmenų",
      "Поле {field} должно содержать префикс страны и 2-13 букв или цифр"}},
    {"err.email",
     {"{field} is not a valid e-mail address", "Lauke {field} neteisingas el. pašto adresas",
      "Поле {field} не является корректным адресом e-mail"}},
    {"err.phone",
     {"{field} is not a phone number (use +370 6xx xxxxx or 8 6xx xxxxx)",
      "Lauke {field} ne telefono numeris (rašykite +370 6xx xxxxx arba 8 6xx xxxxx)",
      "Поле {field} не является номером телефона (пишите +370 6xx xxxxx или 8 6xx xxxxx)"}},
    {"err.money",
     {"{field} must be between 0 and 10^15 minor units",
      "Laukas {field} turi būti nuo 0 iki 10^15 centų",
      "Поле {field} должно быть от 0 до 10^15 центов"}},
    {"err.currency",
     {"{field} must be an ISO 4217 code like EUR",
      "Laukas {field} turi būti ISO 4217 kodas, pvz. EUR",
      "Поле {field} должно быть кодом ISO 4217, например EUR"}},
    {"err.read_only",
     {"{field} cannot be changed", "Lauko {field} keisti negalima",
      "Поле {field} нельзя изменить"}},
    {"err.client_type",
     {"{field} must be business or retail", "Laukas {field} turi būti business arba retail",
      "Поле {field} должно быть business или retail"}},
    {"err.client_segment",
     {"{field} must be small, medium, large or government",
      "Laukas {field} turi būti small, medium, large arba government",
      "Поле {field} должно быть small, medium, large или government"}},
    {"err.client_status",
     {"{field} must be prospect, active or lost",
      "Laukas {field} turi būti prospect, active arba lost",
      "Поле {field} должно быть prospect, active или lost"}},
    {"err.country",
     {"{field} must be a two-letter country code like LT",
      "Laukas {field} turi būti dviejų raidžių šalies kodas, pvz. LT",
      "Поле {field} должно быть двухбуквенным кодом страны, например LT"}},
    {"err.website",
     {"{field} must not contain spaces", "Lauke {field} negali būti tarpų",
      "Поле {field} не должно содержать пробелов"}},
    {"err.range",
     {"{field} must be within {arg}", "Laukas {field} turi būti intervale {arg}",
      "Поле {field} должно быть в пределах {arg}"}},
    {"err.owner",
     {"{field} must be an active manager or head of department",
      "Laukas {field} turi būti aktyvus vadybininkas arba skyriaus vadovas",
      "Поле {field} должно быть активным менеджером или руководителем отдела"}},
    {"err.owner_department",
     {"{field}: a head gives clients only to people of his department",
      "{field}: vadovas klientus skiria tik savo skyriaus darbuotojams",
      "{field}: руководитель передаёт клиентов только сотрудникам своего отдела"}},
    {"err.segment_rule",
     {"{field}: this manager serves {arg} clients; a manager does not serve both business and "
      "retail clients",
      "{field}: šis vadybininkas aptarnauja {arg} klientus; vadybininkas neaptarnauja ir verslo, "
      "ir mažmeninių klientų",
      "{field}: этот менеджер обслуживает клиентов типа {arg}; менеджер не обслуживает "
      "одновременно бизнес- и розничных клиентов"}},
    {"err.owner_reassign",
     {"{field}: only a head or the director reassigns clients",
      "{field}: klientus perskirti gali tik vadovas arba direktorius",
      "{field}: переназначать клиентов может только руководитель или директор"}},
    {"err.company_code_taken",
     {"A client with this company code already exists", "Klientas su tokiu įmonės kodu jau yra",
      "Клиент с таким кодом предприятия уже существует"}},
    {"err.client_merged",
     {"This client was merged into another and cannot be restored",
      "Šis klientas sujungtas su kitu ir negali būti atkurtas",
      "Этот клиент объединён с другим и не может быть восстановлен"}},
    {"err.client_not_deleted",
     {"This client is not deleted", "Šis klientas nėra ištrintas", "Этот клиент не удалён"}},
    {"err.restore_expired",
     {"Deleted clients can be restored for {arg} days only",
      "Ištrintus klientus galima atkurti tik {arg} dienų",
      "Удалённых клиентов можно восстановить только в течение {arg} дней"}},
    {"err.merge_self",
     {"{field}: a client cannot be merged into itself",
      "{field}: kliento negalima sujungti su juo pačiu",
      "{field}: клиента нельзя объединить с самим собой"}},
    {"err.date",
     {"{field} must be a date YYYY-MM-DD", "Laukas {field} turi būti data YYYY-MM-DD",
      "Поле {field} должно быть датой YYYY-MM-DD"}},
    {"err.too_many",
     {"{field} may hold at most {arg} items", "Lauke {field} gali būti ne daugiau kaip {arg} įrašų",
      "Поле {field} может содержать не более {arg} элементов"}},
    {"err.sort",
     {"{field} must be one of {arg}", "Laukas {field} turi būti vienas iš: {arg}",
      "Поле {field} должно быть одним из: {arg}"}},
    {"notify.client_issued",
     {"Client card issued: {arg}", "Išduota kliento kortelė: {arg}",
      "Оформлена карточка клиента: {arg}"}},
    /* reminders (domain/reminders.c): the client's name, the task's title, a count */
    {"notify.call_back_due", {"Call back: {arg}", "Perskambinti: {arg}", "Перезвонить: {arg}"}},
    {"notify.task_due", {"Task due: {arg}", "Užduoties terminas: {arg}", "Срок задачи: {arg}"}},
    {"notify.task_overdue",
     {"Task overdue: {arg}", "Vėluojanti užduotis: {arg}", "Просроченная задача: {arg}"}},
    {"notify.monthly_overdue",
     {"Clients not contacted last month nor this month: {arg}",
      "Klientai, su kuriais nebendrauta nei praėjusį, nei šį mėnesį: {arg}",
      "Клиенты без контакта ни в прошлом, ни в этом месяце: {arg}"}},
    /* the calendar feed (domain/calfeed.c); names without commas or semicolons */
    {"cal.name",
     {"klientas: work calendar", "klientas: darbo kalendorius", "klientas: рабочий календарь"}},
    {"cal.desc",
     {"Tasks, call-backs, meetings, visits and birthdays of contacts",
      "Užduotys, perskambinimai, susitikimai, vizitai ir kontaktų gimtadieniai",
      "Задачи, перезвоны, встречи, визиты и дни рождения контактов"}},
    {"cal.task", {"Task: {arg}", "Užduotis: {arg}", "Задача: {arg}"}},
    {"cal.callback", {"Call back: {arg}", "Perskambinti: {arg}", "Перезвонить: {arg}"}},
    {"cal.meeting", {"Meeting: {arg}", "Susitikimas: {arg}", "Встреча: {arg}"}},
    {"cal.visit", {"Visit: {arg}", "Vizitas: {arg}", "Визит: {arg}"}},
    {"cal.birthday", {"Birthday: {arg}", "Gimtadienis: {arg}", "День рождения: {arg}"}},
    {"cal.client", {"Client: {arg}", "Klientas: {arg}", "Клиент: {arg}"}},
    {"cal.contact", {"Contact: {arg}", "Kontaktas: {arg}", "Контакт: {arg}"}},
    {"cal.phone", {"Phone: {arg}", "Telefonas: {arg}", "Телефон: {arg}"}},
    {"err.datetime",
     {"{field} must be a time like 2026-11-27T14:03:00Z",
      "Laukas {field} turi būti laikas, pvz. 2026-11-27T14:03:00Z",
      "Поле {field} должно быть временем, например 2026-11-27T14:03:00Z"}},
    {"err.activity_type",
     {"{field} must be one of call, email, offer_email, offer_phone, meeting, visit, greeting, "
      "note",
      "Laukas {field} turi būti vienas iš: call, email, offer_email, offer_phone, meeting, visit, "
      "greeting, note",
      "Поле {field} должно быть одним из: call, email, offer_email, offer_phone, meeting, visit, "
      "greeting, note"}},
    {"err.direction",
     {"{field} must be in or out", "Laukas {field} turi būti in arba out",
      "Поле {field} должно быть in или out"}},
    {"err.outcome",
     {"{field} is not a known outcome", "Lauko {field} rezultatas nežinomas",
      "Поле {field}: неизвестный результат"}},
    {"err.future",
     {"{field} may not be more than a day ahead",
      "Laukas {field} negali būti daugiau nei diena į priekį",
      "Поле {field} не может быть больше чем на день вперёд"}},
    {"err.activity_locked",
     {"Activities can be corrected by their author for 24 hours, later only by a head",
      "Veiklą jos autorius gali taisyti 24 valandas, vėliau - tik vadovas",
      "Автор может исправлять действие 24 часа, позже - только руководитель"}},
    {"err.quota_scope",
     {"Give either user_id or department_id", "Nurodykite user_id arba department_id",
      "Укажите user_id или department_id"}},
    {"err.task_status",
     {"{field} must be open, done or cancelled",
      "Laukas {field} turi būti open, done arba cancelled",
      "Поле {field} должно быть open, done или cancelled"}},
    {"err.date_order",
     {"{field} must not be before the start", "Laukas {field} negali būti ankstesnis už pradžią",
      "Поле {field} не может быть раньше начала"}},
    {"err.substitute_self",
     {"{field}: nobody substitutes himself", "{field}: negalima pavaduoti savęs",
      "{field}: нельзя замещать самого себя"}},
    {"err.reason_code",
     {"{field} may hold only letters a-z, digits and underscore (2-40 characters)",
      "Lauke {field} gali būti tik raidės a-z, skaitmenys ir pabraukimas (2-40 simbolių)",
      "Поле {field} может содержать только буквы a-z, цифры и подчёркивание (2-40 символов)"}},
    {"err.listen",
     {"Cannot listen on {arg}; is another server using the port?",
      "Nepavyksta klausytis {arg}; gal prievadą naudoja kitas serveris?",
      "Не удаётся слушать {arg}; возможно, порт занят другим сервером?"}},
    {"err.inactive",
     {"This account is deactivated", "Ši paskyra išjungta", "Эта учётная запись отключена"}},
    /* import and export (domain/transfer.c) */
    {"err.media_type_is",
     {"Content-Type must be {arg}", "Content-Type turi būti {arg}",
      "Content-Type должен быть {arg}"}},
    {"err.import_empty", {"The file is empty", "Failas tuščias", "Файл пуст"}},
    {"err.import_no_rows",
     {"The file has a header but no data rows", "Faile yra antraštė, bet nėra duomenų eilučių",
      "В файле есть заголовок, но нет строк с данными"}},
    {"err.import_not_utf8",
     {"The file is not UTF-8 text; save it as \"CSV UTF-8\" and try again",
      "Failas nėra UTF-8 tekstas; išsaugokite jį kaip „CSV UTF-8“ ir bandykite dar kartą",
      "Файл не в кодировке UTF-8; сохраните его как «CSV UTF-8» и повторите попытку"}},
    {"err.import_cp1257",
     {"The file is in the Windows-1257 (Baltic) encoding, not UTF-8; save it as \"CSV UTF-8\" "
      "and try again",
      "Failas yra Windows-1257 (Baltijos) koduotės, ne UTF-8; išsaugokite jį kaip „CSV UTF-8“ "
      "ir bandykite dar kartą",
      "Файл в кодировке Windows-1257 (балтийская), а не UTF-8; сохраните его как «CSV UTF-8» и "
      "повторите попытку"}},
    {"err.import_cp1251",
     {"The file is in the Windows-1251 (Cyrillic) encoding, not UTF-8; save it as \"CSV UTF-8\" "
      "and try again",
      "Failas yra Windows-1251 (kirilicos) koduotės, ne UTF-8; išsaugokite jį kaip „CSV UTF-8“ "
      "ir bandykite dar kartą",
      "Файл в кодировке Windows-1251 (кириллица), а не UTF-8; сохраните его как «CSV UTF-8» и "
      "повторите попытку"}},
    {"err.import_utf16",
     {"The file is UTF-16 text, not UTF-8; save it as \"CSV UTF-8\" and try again",
      "Failas yra UTF-16 tekstas, ne UTF-8; išsaugokite jį kaip „CSV UTF-8“ ir bandykite dar "
      "kartą",
      "Файл в кодировке UTF-16, а не UTF-8; сохраните его как «CSV UTF-8» и повторите попытку"}},
    {"err.import_not_text",
     {"The file is not a text file (it contains zero bytes)",
      "Failas nėra tekstinis (jame yra nulinių baitų)",
      "Файл не текстовый (в нём есть нулевые байты)"}},
    {"err.import_quote",
     {"Broken quoting: a quote inside an unquoted value, or text after a closing quote",
      "Netaisyklingos kabutės: kabutė reikšmės be kabučių viduje arba tekstas po uždarančiųjų "
      "kabučių",
      "Нарушены кавычки: кавычка внутри значения без кавычек или текст после закрывающей "
      "кавычки"}},
    {"err.import_quote_unclosed",
     {"A quote opened on this line is never closed",
      "Šioje eilutėje atidarytos kabutės niekur neuždarytos",
      "Кавычка, открытая в этой строке, нигде не закрыта"}},
    {"err.import_too_many_columns",
     {"A row has more than {arg} values", "Eilutėje yra daugiau nei {arg} reikšmių",
      "В строке больше {arg} значений"}},
    {"err.import_extra_values",
     {"This row has more values than the header has columns ({arg})",
      "Šioje eilutėje yra daugiau reikšmių nei antraštėje stulpelių ({arg})",
      "В этой строке больше значений, чем столбцов в заголовке ({arg})"}},
    {"err.import_missing_column",
     {"The file has no column for {field}", "Faile nėra stulpelio laukui {field}",
      "В файле нет столбца для поля {field}"}},
    {"err.import_duplicate_column",
     {"Two columns are both {field}: {arg}", "Du stulpeliai abu yra {field}: {arg}",
      "Два столбца соответствуют полю {field}: {arg}"}},
    {"err.import_mapping",
     {"{field}: the mapping must be a JSON object of column names to field names (null skips a "
      "column)",
      "{field}: susiejimas turi būti JSON objektas, kuriame stulpelio pavadinimui nurodomas "
      "laukas (null – stulpelis praleidžiamas)",
      "{field}: сопоставление должно быть JSON-объектом «имя столбца – имя поля» (null "
      "пропускает столбец)"}},
    {"err.import_mapping_field",
     {"{field}: the mapping names an unknown field {arg}",
      "{field}: susiejime nurodytas nežinomas laukas {arg}",
      "{field}: в сопоставлении указано неизвестное поле {arg}"}},
    {"err.import_mapping_column",
     {"The mapping names a column {field} that the file does not have",
      "Susiejime nurodytas stulpelis {field}, kurio faile nėra",
      "В сопоставлении указан столбец {field}, которого нет в файле"}},
    {"err.import_code_hidden",
     {"This company code belongs to a client you cannot see",
      "Šis įmonės kodas priklauso klientui, kurio jūs nematote",
      "Этот код предприятия принадлежит клиенту, которого вы не видите"}},
    {"err.import_id_not_found",
     {"No client with this id among the clients you can see",
      "Tarp jums matomų klientų nėra kliento su šiuo id",
      "Среди видимых вам клиентов нет клиента с таким id"}},
    {"err.import_id_mismatch",
     {"This id belongs to a client with another company code; correct the id or leave it empty",
      "Šis id priklauso klientui su kitu įmonės kodu; pataisykite id arba palikite jį tuščią",
      "Этот id принадлежит клиенту с другим кодом предприятия; исправьте id или оставьте его "
      "пустым"}},
    {"err.import_ambiguous",
     {"Several of your clients without a company code have this name; add the company code or "
      "the id",
      "Šį pavadinimą turi keli jūsų klientai be įmonės kodo; nurodykite įmonės kodą arba id",
      "Это название у нескольких ваших клиентов без кода предприятия; укажите код предприятия "
      "или id"}},
    {"err.import_money",
     {"{field} must be an amount like 1500.00", "Laukas {field} turi būti suma, pvz. 1500,00",
      "Поле {field} должно быть суммой, например 1500,00"}},
    {"err.import_boolean",
     {"{field} must be yes or no", "Laukas {field} turi būti taip arba ne",
      "Поле {field} должно быть да или нет"}},
    {"err.import_rejected",
     {"Problems found: {arg}; nothing was imported", "Rasta problemų: {arg}; niekas neimportuota",
      "Найдено проблем: {arg}; ничего не импортировано"}},
    {"err.import_delimiter",
     {"{field} must be a comma, a semicolon or a tab",
      "Laukas {field} turi būti kablelis, kabliataškis arba tabuliacija",
      "Поле {field} должно быть запятой, точкой с запятой или табуляцией"}},
    {"err.export_format",
     {"{field} must be csv, xlsx or vcf", "Laukas {field} turi būti csv, xlsx arba vcf",
      "Поле {field} должно быть csv, xlsx или vcf"}},
    {"err.vcard_syntax",
     {"Not a vCard line (expected BEGIN:VCARD, NAME:value lines, END:VCARD)",
      "Tai ne vCard eilutė (laukiama BEGIN:VCARD, eilučių PAVADINIMAS:reikšmė, END:VCARD)",
      "Это не строка vCard (ожидаются BEGIN:VCARD, строки ИМЯ:значение, END:VCARD)"}},
    {"err.vcard_version",
     {"vCard version {arg} is not supported (3.0 and 4.0 are)",
      "vCard versija {arg} nepalaikoma (palaikomos 3.0 ir 4.0)",
      "Версия vCard {arg} не поддерживается (поддерживаются 3.0 и 4.0)"}},
    {"err.vcard_unclosed",
     {"The vCard that begins on this line has no END:VCARD",
      "Šioje eilutėje prasidedanti vCard kortelė neturi END:VCARD",
      "У карточки vCard, начинающейся в этой строке, нет END:VCARD"}},
    {"err.vcard_encoding",
     {"{arg} is quoted-printable (vCard 2.1); export the contacts as vCard 3.0 or 4.0",
      "{arg} užkoduotas quoted-printable (vCard 2.1); eksportuokite kontaktus kaip vCard 3.0 "
      "arba 4.0",
      "{arg} в кодировке quoted-printable (vCard 2.1); экспортируйте контакты в формате vCard "
      "3.0 или 4.0"}},
    /* column headers of exported files (and recognised on import) */
    {"col.id", {"ID", "Kliento ID", "ID клиента"}},
    {"col.name", {"Name", "Pavadinimas", "Название"}},
    {"col.company_code", {"Company code", "Įmonės kodas", "Код предприятия"}},
    {"col.vat_code", {"VAT code", "PVM kodas", "Код НДС"}},
    {"col.country", {"Country", "Šalis", "Страна"}},
    {"col.type", {"Type", "Tipas", "Тип"}},
    {"col.segment", {"Segment", "Segmentas", "Сегмент"}},
    {"col.status", {"Status", "Būsena", "Статус"}},
    {"col.owner_id", {"Owner id", "Vadybininko id", "Id менеджера"}},
    {"col.owner_name", {"Owner name", "Vadybininko vardas", "Имя менеджера"}},
    {"col.industry", {"Industry", "Veiklos sritis", "Отрасль"}},
    {"col.source", {"Source", "Šaltinis", "Источник"}},
    {"col.city", {"City", "Miestas", "Город"}},
    {"col.address", {"Address", "Adresas", "Адрес"}},
    {"col.delivery_address", {"Delivery address", "Pristatymo adresas", "Адрес доставки"}},
    {"col.email", {"E-mail", "El. paštas", "Эл. почта"}},
    {"col.phone", {"Phone", "Telefonas", "Телефон"}},
    {"col.website", {"Website", "Svetainė", "Сайт"}},
    {"col.price_type", {"Price type", "Kainų tipas", "Тип цен"}},
    {"col.payment_terms_days",
     {"Payment terms, days", "Mokėjimo terminas, d.", "Отсрочка платежа, дней"}},
    {"col.credit_limit", {"Credit limit", "Kredito limitas", "Кредитный лимит"}},
    {"col.credit_limit_currency", {"Currency", "Valiuta", "Валюта"}},
    {"col.contract_terms", {"Contract terms", "Sutarties sąlygos", "Условия договора"}},
    {"col.notes", {"Notes", "Pastabos", "Примечания"}},
    {"col.created_at", {"Created", "Sukurta", "Создан"}},
    {"col.updated_at", {"Updated", "Pakeista", "Изменён"}},
    {"col.contact_name", {"Contact name", "Kontaktinis asmuo", "Контактное лицо"}},
    {"col.contact_position", {"Contact position", "Kontakto pareigos", "Должность контакта"}},
    {"col.contact_phone", {"Contact phone", "Kontakto telefonas", "Телефон контакта"}},
    {"col.contact_email", {"Contact e-mail", "Kontakto el. paštas", "Эл. почта контакта"}},
    {"col.contact_birthday",
     {"Contact birthday", "Kontakto gimimo data", "День рождения контакта"}},
    {"col.contact_decision_maker", {"Decision maker", "Sprendimų priėmėjas", "ЛПР"}},
    /* e-mail, the outbox and greetings (domain/outbox.c, domain/greetings.c) */
    {"err.email_kind",
     {"{field} must be email, greeting or offer_email",
      "Laukas {field} turi būti email, greeting arba offer_email",
      "Поле {field} должно быть email, greeting или offer_email"}},
    {"err.contact_client",
     {"{field}: this client has no such contact", "{field}: šis klientas tokio kontakto neturi",
      "{field}: у этого клиента нет такого контакта"}},
    {"err.outbox_status",
     {"{field} must be queued, sending, sent or failed",
      "Laukas {field} turi būti queued, sending, sent arba failed",
      "Поле {field} должно быть queued, sending, sent или failed"}},
    {"err.outbox_not_failed",
     {"Only a message that failed can be queued again",
      "Iš naujo į eilę galima dėti tik neišsiųstą laišką",
      "Повторно поставить в очередь можно только неотправленное письмо"}},
    {"err.greeting_kind",
     {"{field} must be birthday or holiday", "Laukas {field} turi būti birthday arba holiday",
      "Поле {field} должно быть birthday или holiday"}},
    {"err.no_holiday",
     {"{field}: no professional holiday is set for this client's industry; choose one",
      "{field}: šio kliento veiklos sričiai profesinė šventė nenustatyta; pasirinkite ją",
      "{field}: для отрасли этого клиента профессиональный праздник не задан; выберите его"}},
    {"err.placeholder",
     {"{field}: unknown placeholder {arg} (use {contact_name}, {client_name}, {holiday_name}, "
      "{sender_name})",
      "{field}: nežinomas intarpas {arg} (galima {contact_name}, {client_name}, {holiday_name}, "
      "{sender_name})",
      "{field}: неизвестная подстановка {arg} (допустимы {contact_name}, {client_name}, "
      "{holiday_name}, {sender_name})"}},
    /* the morning digest e-mail (domain/outbox.c) */
    {"digest.subject",
     {"Your day's list, {arg}", "Jūsų dienos sąrašas, {arg}", "Ваш список на день, {arg}"}},
    {"digest.greeting", {"Good morning, {arg}!", "Labas rytas, {arg}!", "Доброе утро, {arg}!"}},
    {"digest.nothing",
     {"Nothing is due today.", "Šiandien nieko nenumatyta.",
      "На сегодня ничего не запланировано."}},
    {"digest.count",
     {"Clients to contact today: {arg}", "Šiandien susisiekti su klientais: {arg}",
      "Клиентов для связи сегодня: {arg}"}},
    {"digest.more",
     {"... and {arg} more in klientas.", "... ir dar {arg} sistemoje klientas.",
      "... и ещё {arg} в системе klientas."}},
    {"digest.tasks", {"Tasks:", "Užduotys:", "Задачи:"}},
    {"digest.open",
     {"Open your list: {arg}", "Atidarykite sąrašą: {arg}", "Откройте список: {arg}"}},
    {"digest.reason.call_back",
     {"call back (due {arg})", "perskambinti (iki {arg})", "перезвонить (до {arg})"}},
    {"digest.reason.task_overdue",
     {"overdue task: {arg}", "vėluojanti užduotis: {arg}", "просроченная задача: {arg}"}},
    {"digest.reason.task_due",
     {"task due today: {arg}", "šiandienos užduotis: {arg}", "задача на сегодня: {arg}"}},
    {"digest.reason.negotiate_soon", {"negotiate soon", "netrukus derėtis", "скоро переговоры"}},
    {"digest.reason.birthday", {"birthday: {arg}", "gimtadienis: {arg}", "день рождения: {arg}"}},
    {"digest.reason.professional_holiday",
     {"professional holiday: {arg}", "profesinė šventė: {arg}",
      "профессиональный праздник: {arg}"}},
    {"digest.reason.monthly_overdue",
     {"not contacted last month", "nebendrauta praėjusį mėnesį",
      "не было контакта в прошлом месяце"}},
    {"digest.reason.monthly_due",
     {"not contacted yet this month", "šį mėnesį dar nebendrauta",
      "в этом месяце ещё не было контакта"}},
    {"digest.reason.prospect_not_called",
     {"prospect not called yet", "potencialiam klientui dar neskambinta",
      "потенциальному клиенту ещё не звонили"}},
};

#define N_MSG (sizeof(catalogue) / sizeof(catalogue[0]))

int i18n_lang_parse(const char *code)
{
    if (!code)
        return -1;
    if (!strcmp(code, "en"))
        return LANG_EN;
    if (!strcmp(code, "lt"))
        return LANG_LT;
    if (!strcmp(code, "ru"))
        return LANG_RU;
    return -1;
}

const char *i18n_lang_code(enum lang l)
{
    static const char *codes[] = {"en", "lt", "ru"};
    return (unsigned)l < LANG_COUNT ? codes[l] : "en";
}

enum lang i18n_lang_from_accept(const char *h)
{
    /* Take the first listed language we have; q-values are in practice ordered. */
    while (h && *h) {
        while (*h == ' ' || *h == ',')
            h++;
        char code[3] = {0};
        if (isalpha((unsigned char)h[0]) && isalpha((unsigned char)h[1])) {
            code[0] = (char)tolower((unsigned char)h[0]);
            code[1] = (char)tolower((unsigned char)h[1]);
            int l = i18n_lang_parse(code);
            if (l >= 0 && !isalpha((unsigned char)h[2]))
                return (enum lang)l;
        }
        h = strchr(h, ',');
    }
    return LANG_EN;
}

const char *i18n_get(enum lang l, const char *key)
{
    if ((unsigned)l >= LANG_COUNT)
        l = LANG_EN;
    for (size_t i = 0; i < N_MSG; i++)
        if (!strcmp(catalogue[i].key, key))
            return catalogue[i].text[l] ? catalogue[i].text[l] : catalogue[i].text[LANG_EN];
    return key;
}

void i18n_format(enum lang l, const char *key, const char *field, const char *arg, char *out,
                 size_t outsz)
{
    const char *t = i18n_get(l, key);
    size_t o = 0;
    if (!outsz)
        return;
    while (*t && o + 1 < outsz) {
        const char *sub = NULL;
        size_t skip = 0;
        if (!strncmp(t, "{field}", 7))
            sub = field ? field : "", skip = 7;
        else if (!strncmp(t, "{arg}", 5))
            sub = arg ? arg : "", skip = 5;
        if (sub) {
            while (*sub && o + 1 < outsz)
                out[o++] = *sub++;
            t += skip;
        } else {
            out[o++] = *t++;
        }
    }
    out[o] = '\0';
}

size_t i18n_count(void)
{
    return N_MSG;
}

const char *i18n_key_at(size_t i)
{
    return i < N_MSG ? catalogue[i].key : NULL;
}

const char *i18n_text_at(size_t i, enum lang l)
{
    return i < N_MSG && (unsigned)l < LANG_COUNT ? catalogue[i].text[l] : NULL;
}
