// SPDX-License-Identifier: AGPL-3.0-or-later
// tests/http/ical/check.mjs - reads an iCalendar text on stdin, parses it with ical.js
// (a parser written by others, pinned in package.json) and holds it to RFC 5545 rules the
// feed must keep: one VCALENDAR with PRODID and VERSION 2.0; every VEVENT and VTODO with
// a unique UID, DTSTAMP and DTSTART; recurring events expand. Prints the components as
// JSON on stdout (for tests/http/test_calendar.py to compare with vobject's reading) and
// exits 1 with the reason on stderr when anything is wrong.
//
//   node tests/http/ical/check.mjs < feed.ics
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';

function fail(msg) {
  process.stderr.write(`ical.js: ${msg}\n`);
  process.exit(1);
}

const text = readFileSync(0, 'utf8');
if (!text.endsWith('\r\n')) fail('the text does not end with CRLF');
for (const [i, line] of text.split('\r\n').entries()) {
  if (line.includes('\n') || line.includes('\r')) fail(`line ${i + 1} holds a bare CR or LF`);
  if (Buffer.byteLength(line, 'utf8') > 75) fail(`line ${i + 1} is longer than 75 octets`);
}

let root;
try {
  root = new ICAL.Component(ICAL.parse(text));
} catch (e) {
  fail(`parse error: ${e.message}`);
}
if (root.name !== 'vcalendar') fail(`the root is ${root.name}, not vcalendar`);
if (!root.getFirstPropertyValue('prodid')) fail('no PRODID');
if (root.getFirstPropertyValue('version') !== '2.0') fail('VERSION is not 2.0');

const out = {
  prodid: root.getFirstPropertyValue('prodid'),
  calname: root.getFirstPropertyValue('x-wr-calname'),
  components: [],
};
const uids = new Set();
for (const comp of root.getAllSubcomponents()) {
  if (comp.name !== 'vevent' && comp.name !== 'vtodo') continue;
  const uid = comp.getFirstPropertyValue('uid');
  if (!uid) fail(`a ${comp.name} without UID`);
  if (uids.has(uid)) fail(`UID ${uid} appears twice`);
  uids.add(uid);
  for (const p of ['dtstamp', 'dtstart'])
    if (!comp.getFirstPropertyValue(p)) fail(`${uid}: no ${p.toUpperCase()}`);
  const item = { type: comp.name, uid };
  for (const p of ['summary', 'description', 'status', 'transp', 'categories'])
    item[p] = comp.getFirstPropertyValue(p);
  for (const p of ['dtstart', 'dtend', 'due', 'dtstamp']) {
    const v = comp.getFirstPropertyValue(p);
    item[p] = v ? v.toString() : null;
    if (v && !v.isDate && v.zone !== ICAL.Timezone.utcTimezone) fail(`${uid}: ${p} is not UTC`);
  }
  const dur = comp.getFirstPropertyValue('duration');
  item.duration = dur ? dur.toSeconds() : null;
  const rrule = comp.getFirstPropertyValue('rrule');
  item.rrule = rrule ? rrule.toString() : null;
  if (comp.name === 'vevent') {
    const ev = new ICAL.Event(comp);
    if (ev.isRecurring()) {
      const it = ev.iterator();
      const next = [];
      for (let i = 0; i < 3; i++) {
        const t = it.next();
        if (!t) fail(`${uid}: the recurrence ends after ${i} occurrences`);
        next.push(t.toString());
      }
      item.occurrences = next;
    }
  }
  out.components.push(item);
}
process.stdout.write(JSON.stringify(out));
