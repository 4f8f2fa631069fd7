// Calendar arithmetic on plain dates ("YYYY-MM-DD", time-zone free) plus the few
// conversions between instants and wall-clock time in an IANA zone that the calendar needs.
import { currentUser } from "./api.js";

const DAY = 86400000;
const keyFormatters = new Map();

export const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

export function allZones() {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return ["UTC", "Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles", "Asia/Tokyo"];
  }
}

function partsFormatter(tz) {
  if (!keyFormatters.has(tz)) {
    keyFormatters.set(tz, new Intl.DateTimeFormat("en-CA", {
      timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
      hourCycle: "h23",
    }));
  }
  return keyFormatters.get(tz);
}

/** {day: "YYYY-MM-DD", time: "HH:MM"} of an instant in a zone. */
export function wallClock(date, tz) {
  const p = Object.fromEntries(partsFormatter(tz).formatToParts(date).map((x) => [x.type, x.value]));
  return { day: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

export const todayIn = (tz) => wallClock(new Date(), tz).day;

const toUTC = (key) => Date.UTC(+key.slice(0, 4), +key.slice(5, 7) - 1, +key.slice(8, 10));
const fromUTC = (ms) => new Date(ms).toISOString().slice(0, 10);

export const addDays = (key, n) => fromUTC(toUTC(key) + n * DAY);
/** ISO weekday index 0 = Monday … 6 = Sunday. */
export const weekdayIndex = (key) => (new Date(toUTC(key)).getUTCDay() + 6) % 7;
export const startOfWeek = (key) => addDays(key, -weekdayIndex(key));
export const startOfMonth = (key) => `${key.slice(0, 7)}-01`;
export function addMonths(key, n) {
  const d = new Date(toUTC(startOfMonth(key)));
  d.setUTCMonth(d.getUTCMonth() + n);
  return fromUTC(d.getTime());
}

/** A generous instant range covering whole local days [first, last] in any zone (±14 h). */
export function rangeFor(first, last) {
  return {
    from: new Date(toUTC(first) - 14 * 3600000).toISOString(),
    to: new Date(toUTC(last) + DAY + 14 * 3600000).toISOString(),
  };
}

export function dayLabel(key, opts = { weekday: "short", day: "numeric", month: "short" }) {
  return new Intl.DateTimeFormat(undefined, { timeZone: "UTC", ...opts }).format(new Date(toUTC(key)));
}

export function timeLabel(date, tz) {
  return new Intl.DateTimeFormat(undefined, { timeZone: tz, hour: "2-digit", minute: "2-digit" }).format(date);
}

/** "GMT+1" style name of a zone at an instant. */
export function zoneName(tz, date = new Date()) {
  const part = new Intl.DateTimeFormat(undefined, { timeZone: tz, timeZoneName: "short" })
    .formatToParts(date).find((p) => p.type === "timeZoneName");
  return part ? part.value : tz;
}

/** The zone chosen on the booking page on this device (remembered in localStorage), else the
 *  signed-in member's profile zone, else the browser's: the booking page, the dashboard and
 *  /me show times in it (issue 14). Saving the profile makes its zone the device's choice. */
export const ZONE_KEY = "booker.tz";
export function chosenZone() {
  try {
    return localStorage.getItem(ZONE_KEY) || currentUser()?.time_zone || browserZone();
  } catch {
    return browserZone();
  }
}
