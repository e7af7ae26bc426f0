/**
 * A small strftime in the C locale, for the renderers that cannot hand the format to tmux
 * (screen, ANSI, JSON, the dashboard). It aims to print what tmux prints for the same format,
 * so a user's `datetime.format` looks alike everywhere.
 *
 * Directives: %Y %y %m %d %e %j %H %I %M %S %p %P %a %A %b %h %B %Z %z %s %u %w %k %l
 * %F %T %R %D %n %t %%. An unknown directive is printed as written, as glibc does.
 */

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export interface StrftimeOptions {
  /** Format in UTC instead of the process's local time zone (TZ). */
  utc?: boolean;
}

const pad = (n: number, width = 2, fill = '0') => String(n).padStart(width, fill);

/** The local zone's abbreviation ("CET", "EST"); Intl gives "GMT+1" where it knows none. */
function zoneName(date: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(date).find((p) => p.type === 'timeZoneName');
  return part?.value ?? '';
}

/**
 * How often a clock showing `format` must be drawn, in seconds: every second when it shows
 * seconds (%S, %T, %s, %r, %c), else on the minute: a line that changes less often costs less
 * to draw. The datetime and time-utc modules' interval.
 */
export function clockInterval(format: string): number {
  return /%[STsrc]/.test(format.replace(/%%/g, '')) ? 1 : 60;
}

export function strftime(format: string, date: Date, opts: StrftimeOptions = {}): string {
  const utc = opts.utc === true;
  const year = utc ? date.getUTCFullYear() : date.getFullYear();
  const month = utc ? date.getUTCMonth() : date.getMonth();
  const day = utc ? date.getUTCDate() : date.getDate();
  const hour = utc ? date.getUTCHours() : date.getHours();
  const minute = utc ? date.getUTCMinutes() : date.getMinutes();
  const second = utc ? date.getUTCSeconds() : date.getSeconds();
  const weekday = utc ? date.getUTCDay() : date.getDay();
  // Whole days between the calendar dates, so DST shifts cannot move the count.
  const yday = (Date.UTC(year, month, day) - Date.UTC(year, 0, 1)) / 86_400_000 + 1;
  const hour12 = hour % 12 === 0 ? 12 : hour % 12;
  const offset = utc ? 0 : -date.getTimezoneOffset();

  const one = (c: string): string | null => {
    switch (c) {
      case 'Y':
        return String(year);
      case 'y':
        return pad(year % 100);
      case 'm':
        return pad(month + 1);
      case 'd':
        return pad(day);
      case 'e':
        return pad(day, 2, ' ');
      case 'j':
        return pad(yday, 3);
      case 'H':
        return pad(hour);
      case 'k':
        return pad(hour, 2, ' ');
      case 'I':
        return pad(hour12);
      case 'l':
        return pad(hour12, 2, ' ');
      case 'M':
        return pad(minute);
      case 'S':
        return pad(second);
      case 'p':
        return hour < 12 ? 'AM' : 'PM';
      case 'P':
        return hour < 12 ? 'am' : 'pm';
      case 'a':
        return DAYS[weekday].slice(0, 3);
      case 'A':
        return DAYS[weekday];
      case 'b':
      case 'h':
        return MONTHS[month].slice(0, 3);
      case 'B':
        return MONTHS[month];
      case 'u':
        return String(weekday === 0 ? 7 : weekday);
      case 'w':
        return String(weekday);
      case 's':
        return String(Math.floor(date.getTime() / 1000));
      case 'Z':
        return utc ? 'UTC' : zoneName(date);
      case 'z': {
        const abs = Math.abs(offset);
        return `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
      }
      case 'F':
        return `${year}-${pad(month + 1)}-${pad(day)}`;
      case 'T':
        return `${pad(hour)}:${pad(minute)}:${pad(second)}`;
      case 'R':
        return `${pad(hour)}:${pad(minute)}`;
      case 'D':
        return `${pad(month + 1)}/${pad(day)}/${pad(year % 100)}`;
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case '%':
        return '%';
      default:
        return null;
    }
  };

  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%' || i === format.length - 1) {
      out += c;
      continue;
    }
    const value = one(format[i + 1]);
    out += value ?? `%${format[i + 1]}`;
    i++;
  }
  return out;
}
