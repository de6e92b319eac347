/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* demo.c - realistic demo and benchmark data (domain). */
#include <stdio.h>
#include <string.h>

#include "demo.h"

#include "domain/clients.h"
#include "store/repo_activity.h"

void demo_rng_init(struct demo_rng *r, uint64_t seed)
{
    r->s = seed ? seed : 0x9E3779B97F4A7C15ull;
}

uint64_t demo_rng_next(struct demo_rng *r)
{
    /* xorshift64* */
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1Dull;
}

#define PICK(r, arr) ((arr)[demo_rng_next(r) % (sizeof(arr) / sizeof((arr)[0]))])

static const char *lt_forms[] = {"UAB", "UAB", "UAB", "AB", "MB", "IĮ", "VšĮ"};
static const char *lt_words[] = {"Baltijos",  "Žalgiris",     "Nemuno",    "Vilniaus",   "Šiaulių",
                                 "Klaipėdos", "Aukštaitijos", "Dzūkijos",  "Žemaitijos", "Ąžuolo",
                                 "Gintaro",   "Saulės",       "Vėtrungės", "Rasos",      "Jūratės",
                                 "Liepų",     "Šilo",         "Ūkio",      "Kuršių",     "Mėtos"};
static const char *lt_kinds[] = {"prekyba",  "statyba",  "logistika",  "technologijos",
                                 "baldai",   "maistas",  "sprendimai", "partneriai",
                                 "vaistinė", "energija", "didmena",    "tiekimas"};
static const char *ru_words[] = {"Север", "Балтика", "Янтарь", "Восток", "Меридиан",
                                 "Альфа", "Нева",    "Заря",   "Титан",  "Радуга"};
static const char *ru_kinds[] = {"Трейд", "Строй", "Логистик", "Сервис", "Снаб", "Пром"};
static const char *cities[] = {"Vilnius",  "Vilnius",   "Kaunas", "Kaunas",      "Klaipėda",
                               "Šiauliai", "Panevėžys", "Alytus", "Marijampolė", "Utena"};
static const char *streets[] = {"Gedimino pr.", "Savanorių pr.", "Laisvės al.", "Ukmergės g.",
                                "Žalgirio g.",  "Taikos pr.",    "Vilniaus g.", "Šilo g."};
static const char *industries[] = {"wholesale",  "retail",     "construction",  "it",
                                   "healthcare", "education",  "energy",        "pharmacy",
                                   "tourism",    "accounting", "manufacturing", "agriculture"};
static const char *sources[] = {"referral", "website", "exhibition", "cold call", "tender"};
static const char *segments[] = {"small", "small", "medium", "medium", "large", "government"};
static const char *statuses[] = {"active", "active", "active", "prospect", "prospect", "lost"};
static const char *price_types[] = {"wholesale", "wholesale", "retail", "dealer", "special"};
static const char *lt_first_m[] = {"Jonas",    "Petras", "Mindaugas", "Vytautas", "Šarūnas",
                                   "Žydrūnas", "Tomas",  "Darius",    "Andrius",  "Gediminas"};
static const char *lt_first_f[] = {"Rūta", "Eglė",   "Aistė", "Gintarė", "Dalia",
                                   "Ieva", "Jūratė", "Laura", "Agnė",    "Živilė"};
static const char *lt_last_m[] = {"Kazlauskas",   "Jankauskas",   "Petrauskas", "Žukauskas",
                                  "Stankevičius", "Vasiliauskas", "Butkus",     "Paulauskas",
                                  "Urbonas",      "Kavaliauskas"};
static const char *lt_last_f[] = {"Kazlauskienė",  "Jankauskaitė",   "Petrauskienė", "Žukauskaitė",
                                  "Stankevičienė", "Vasiliauskienė", "Butkienė",     "Paulauskaitė",
                                  "Urbonienė",     "Kavaliauskienė"};
static const char *ru_people[] = {
    "Иван Петров",  "Ольга Смирнова", "Алексей Кузнецов", "Мария Иванова",  "Дмитрий Соколов",
    "Елена Попова", "Сергей Лебедев", "Наталья Козлова",  "Андрей Новиков", "Юлия Морозова"};
static const char *positions[] = {
    "Direktorius",          "Pirkimų vadovas",        "Vyr. buhalterė",
    "Tiekimo specialistas", "Komercijos direktorius", "Administratorė"};
static const char *ru_positions[] = {"Директор", "Менеджер по закупкам", "Главный бухгалтер",
                                     "Коммерческий директор"};

static void ascii_login(char *out, size_t n, const char *name)
{
    /* a crude transliteration for e-mail local parts of Lithuanian names */
    static const char *from[] = {"ą", "č", "ę", "ė", "į", "š", "ų", "ū", "ž",
                                 "Ą", "Č", "Ę", "Ė", "Į", "Š", "Ų", "Ū", "Ž"};
    static const char *to = "aceeisuuzACEEISUUZ";
    size_t k = 0;
    for (const char *p = name; *p && k + 1 < n;) {
        int done = 0;
        for (int i = 0; i < 18 && !done; i++) {
            size_t l = strlen(from[i]);
            if (!strncmp(p, from[i], l)) {
                out[k++] = (char)(to[i] | 0x20);
                p += l;
                done = 1;
            }
        }
        if (done)
            continue;
        if (*p == ' ')
            out[k++] = '.';
        else if ((unsigned char)*p < 0x80)
            out[k++] = (char)(*p | 0x20);
        p++;
    }
    out[k] = '\0';
}

json_t *demo_client_json(struct demo_rng *r, const char *type, long n)
{
    char name[200], code[32], vat[32], phone[32], addr[100], email[120];
    int russian = demo_rng_next(r) % 7 == 0;
    if (!strcmp(type, "retail")) {
        int female = demo_rng_next(r) & 1;
        if (russian)
            snprintf(name, sizeof(name), "%s", PICK(r, ru_people));
        else
            snprintf(name, sizeof(name), "%s %s",
                     female ? PICK(r, lt_first_f) : PICK(r, lt_first_m),
                     female ? PICK(r, lt_last_f) : PICK(r, lt_last_m));
    } else if (russian) {
        snprintf(name, sizeof(name), "ООО «%s %s»", PICK(r, ru_words), PICK(r, ru_kinds));
    } else {
        snprintf(name, sizeof(name), "%s „%s %s“", PICK(r, lt_forms), PICK(r, lt_words),
                 PICK(r, lt_kinds));
    }
    snprintf(code, sizeof(code), "%09ld", 300000000L + n % 600000000L);
    snprintf(vat, sizeof(vat), "LT%09ld", 100000000L + n * 7 % 900000000L);
    snprintf(phone, sizeof(phone), "+3706%07lu", (unsigned long)(demo_rng_next(r) % 10000000));
    snprintf(addr, sizeof(addr), "%s %u", PICK(r, streets), (unsigned)(demo_rng_next(r) % 150 + 1));
    snprintf(email, sizeof(email), "info%ld@klientas-demo.lt", n);
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "name", name, "type", type,
        "segment", !strcmp(type, "retail") ? "small" : PICK(r, segments), "status",
        PICK(r, statuses), "city", PICK(r, cities), "address", addr, "industry",
        PICK(r, industries), "source", PICK(r, sources), "price_type",
        !strcmp(type, "retail") ? "retail" : PICK(r, price_types), "phone", phone, "email", email,
        "payment_terms_days", !strcmp(type, "retail") ? 0 : (int)(demo_rng_next(r) % 4 + 1) * 15);
    if (demo_rng_next(r) % 7 == 0)
        json_object_del(o, "address"); /* some cards are not complete yet (R4) */
    if (strcmp(type, "retail")) {
        json_object_set_new(o, "company_code", json_string(code));
        if (demo_rng_next(r) % 3)
            json_object_set_new(o, "vat_code", json_string(vat));
        json_object_set_new(o, "credit_limit",
                            json_pack("{s:I, s:s}", "amount",
                                      (json_int_t)(demo_rng_next(r) % 50 + 1) * 100000, "currency",
                                      "EUR"));
    }
    return o;
}

json_t *demo_contact_json(struct demo_rng *r, int russian)
{
    char name[120], phone[32], email[160], local[120], birthday[32];
    int female = demo_rng_next(r) & 1;
    if (russian)
        snprintf(name, sizeof(name), "%s", PICK(r, ru_people));
    else
        snprintf(name, sizeof(name), "%s %s", female ? PICK(r, lt_first_f) : PICK(r, lt_first_m),
                 female ? PICK(r, lt_last_f) : PICK(r, lt_last_m));
    snprintf(phone, sizeof(phone), "+3706%07lu", (unsigned long)(demo_rng_next(r) % 10000000));
    ascii_login(local, sizeof(local), russian ? "kontaktas" : name);
    snprintf(email, sizeof(email), "%s%u@example.lt", local, (unsigned)(demo_rng_next(r) % 1000));
    snprintf(birthday, sizeof(birthday), "19%02u-%02u-%02u", (unsigned)(demo_rng_next(r) % 40 + 55),
             (unsigned)(demo_rng_next(r) % 12 + 1), (unsigned)(demo_rng_next(r) % 28 + 1));
    return json_pack("{s:s, s:s, s:b, s:[s], s:[s], s:s, s:s}", "name", name, "position",
                     russian ? PICK(r, ru_positions) : PICK(r, positions), "decision_maker",
                     demo_rng_next(r) % 3 == 0, "phones", phone, "emails", email, "birthday",
                     birthday, "lang", russian ? "ru" : "lt");
}

int demo_fill_clients(struct db *db, const struct principal *who, int64_t owner_id,
                      const char *type, int count, long first_number, struct demo_rng *r,
                      struct kl_error *err)
{
    for (int i = 0; i < count; i++) {
        struct arena a;
        arena_init(&a);
        json_t *body = demo_client_json(r, type, first_number + i), *warnings = NULL;
        json_object_set_new(body, "owner_id", json_integer((json_int_t)owner_id));
        int russian = strstr(json_string_value(json_object_get(body, "name")), "ООО") != NULL;
        struct client c;
        int rc = clients_create(db, &a, who, body, &c, &warnings, err);
        json_decref(body);
        json_decref(warnings);
        int contacts = strcmp(type, "retail") ? (int)(demo_rng_next(r) % 3) + 1 : 0;
        for (int k = 0; !rc && k < contacts; k++) {
            json_t *cb = demo_contact_json(r, russian);
            struct contact ct;
            rc = contacts_create(db, &a, who, c.id, cb, &ct, err);
            json_decref(cb);
        }
        arena_release(&a);
        if (rc)
            return rc;
    }
    return 0;
}

int demo_fill_history(struct db *db, int64_t owner_id, int64_t now, struct demo_rng *r)
{
    static const struct {
        const char *type, *outcome;
    } kinds[] = {
        {"call", "reached"},           {"call", "no_answer"},
        {"call", "interested"},        {"call", "reached"},
        {"offer_email", "sent"},       {"offer_email", "sent"},
        {"offer_phone", "interested"}, {"offer_phone", "offer_requested"},
        {"meeting", "meeting_agreed"},
    };
    int64_t ids[512];
    int n = 0;
    struct db_stmt st;
    if (db_query(db, &st,
                 "SELECT id FROM clients WHERE owner_id = ? AND deleted_at IS NULL ORDER BY id",
                 "i", owner_id))
        return KL_EDB;
    while (db_step(&st) == DB_ROW && n < 512)
        ids[n++] = db_int64(&st, 0);
    db_finish(&st);
    if (db_begin(db))
        return KL_EDB;
    int64_t today = now - now % 86400;
    for (int i = 0; i < n; i++) {
        int k = (int)(demo_rng_next(r) % 4);
        for (int j = 0; j < k; j++) {
            int64_t day = today - (int64_t)(demo_rng_next(r) % 70 + 1) * 86400;
            struct activity x = {
                .client_id = ids[i],
                .user_id = owner_id,
                .direction = "out",
                /* 07:00-14:59 UTC: working hours in Vilnius, summer and winter */
                .at = day + 7 * 3600 + (int64_t)(demo_rng_next(r) % (8 * 3600)),
                .duration_s = -1,
            };
            size_t w = demo_rng_next(r) % (sizeof(kinds) / sizeof(kinds[0]));
            x.type = kinds[w].type;
            x.outcome = kinds[w].outcome;
            if (!strcmp(x.type, "call"))
                x.duration_s = (int64_t)(demo_rng_next(r) % 400 + 20);
            if (repo_activity_insert(db, &x)) {
                db_rollback(db);
                return KL_EDB;
            }
        }
    }
    return db_commit(db) ? KL_EDB : 0;
}
