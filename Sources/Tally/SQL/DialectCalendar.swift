import Foundation

/// The session zone's calendar in each dialect: every engine reads an instant in the zone the
/// statement names, never in its own session zone.
struct SQLCalendar {
  let dialect: Dialect
  let zone: Zone

  /// The zone's name in the IANA database.
  var zoneIdentifier: String { zone.timeZone.identifier == "GMT" ? "UTC" : zone.timeZone.identifier }
  /// The zone as the engine names it.
  var zoneName: String {
    // A fixed offset (`--tz +02:00`) has no IANA name; PostgreSQL reads an interval east of UTC.
    if dialect == .postgres, zoneIdentifier.hasPrefix("GMT"), zoneIdentifier.count > 3 {
      let o = zone.timeZone.secondsFromGMT()
      return String(format: "INTERVAL '%@%02d:%02d'", o < 0 ? "-" : "+", abs(o) / 3600, abs(o) % 3600 / 60)
    }
    return dialect.string(zoneIdentifier)
  }

  /// The zone's offset in seconds when it has had no change since 2000 (SQLite's only zones).
  var fixedOffset: Int? {
    let since = Date(timeIntervalSince1970: 946_684_800)
    guard zone.timeZone.nextDaylightSavingTimeTransition(after: since) == nil else { return nil }
    return zone.timeZone.secondsFromGMT(for: since)
  }

  /// The local wall clock, as microseconds since the epoch, in Spark.
  private func sparkLocalMicros(_ t: String) -> String { "unix_micros(from_utc_timestamp(\(t), \(zoneName)))" }
  /// The local calendar day, as a DATE, in Spark.
  private func sparkDay(_ t: String) -> String {
    "date_from_unix_date(CAST(floor(\(sparkLocalMicros(t)) / 86400000000) AS INT))"
  }
  /// The local wall clock, as epoch seconds, in SQLite.
  private func sqliteLocal(_ t: String, _ what: String) throws -> String {
    guard let off = fixedOffset else {
      throw SQLError.unsupported(what, .sqlite, "the zone \(zone.timeZone.identifier) changes its offset")
    }
    return off == 0 ? t : "\(t) + \(off)"
  }

  /// The label of the period containing an instant, as `by GRAIN` names it.
  func label(_ p: Period, _ t: String) throws -> String {
    switch dialect {
    case .postgres:
      let format: String
      switch p {
      case .hour: format = "YYYY-MM-DD\"T\"HH24"
      case .day: format = "YYYY-MM-DD"
      case .week: format = "IYYY-\"W\"IW"
      case .month: format = "YYYY-MM"
      case .quarter: format = "YYYY-\"Q\"Q"
      case .year: format = "YYYY"
      }
      return "to_char(\(t) AT TIME ZONE \(zoneName), '\(format)')"
    case .duckdb:
      let local = "timezone(\(zoneName), \(t))"
      switch p {
      case .hour: return "strftime(\(local), '%Y-%m-%dT%H')"
      case .day: return "strftime(\(local), '%Y-%m-%d')"
      case .week: return "strftime(\(local), '%G-W%V')"
      case .month: return "strftime(\(local), '%Y-%m')"
      case .quarter: return "strftime(\(local), '%Y') || '-Q' || CAST(quarter(\(local)) AS VARCHAR)"
      case .year: return "strftime(\(local), '%Y')"
      }
    case .spark:
      let day = "CAST(\(sparkDay(t)) AS STRING)"
      switch p {
      case .hour:
        let hour = "CAST(floor(pmod(\(sparkLocalMicros(t)), 86400000000) / 3600000000) AS INT)"
        return "concat(\(day), 'T', lpad(CAST(\(hour) AS STRING), 2, '0'))"
      case .day: return day
      case .week:
        let d = sparkDay(t)
        return "concat(CAST(extract(YEAROFWEEK FROM \(d)) AS STRING), '-W', lpad(CAST(weekofyear(\(d)) AS STRING), 2, '0'))"
      case .month: return "substr(\(day), 1, 7)"
      case .quarter: return "concat(substr(\(day), 1, 4), '-Q', CAST(quarter(\(sparkDay(t))) AS STRING))"
      case .year: return "substr(\(day), 1, 4)"
      }
    case .sqlite:
      let local = try sqliteLocal(t, "by \(p.rawValue)")
      switch p {
      case .hour: return "strftime('%Y-%m-%dT%H', \(local), 'unixepoch')"
      case .day: return "strftime('%Y-%m-%d', \(local), 'unixepoch')"
      case .week: throw SQLError.unsupported("by week", .sqlite, "it has no ISO week")
      case .month: return "strftime('%Y-%m', \(local), 'unixepoch')"
      case .quarter:
        return "strftime('%Y', \(local), 'unixepoch') || '-Q' || ((CAST(strftime('%m', \(local), 'unixepoch') AS INTEGER) + 2) / 3)"
      case .year: return "strftime('%Y', \(local), 'unixepoch')"
      }
    }
  }

  /// `hour(t)`: 0–23 on the local clock.
  func hour(_ t: String) throws -> String {
    switch dialect {
    case .postgres: return "CAST(EXTRACT(HOUR FROM \(t) AT TIME ZONE \(zoneName)) AS BIGINT)"
    case .duckdb: return "CAST(hour(timezone(\(zoneName), \(t))) AS BIGINT)"
    case .spark: return "CAST(floor(pmod(\(sparkLocalMicros(t)), 86400000000) / 3600000000) AS BIGINT)"
    case .sqlite: return "CAST(strftime('%H', \(try sqliteLocal(t, "hour()")), 'unixepoch') AS INTEGER)"
    }
  }

  /// `weekday(t)`: 1 = Monday … 7 = Sunday.
  func weekday(_ t: String) throws -> String {
    switch dialect {
    case .postgres: return "CAST(EXTRACT(ISODOW FROM \(t) AT TIME ZONE \(zoneName)) AS BIGINT)"
    case .duckdb: return "CAST(isodow(timezone(\(zoneName), \(t))) AS BIGINT)"
    case .spark: return "CAST((dayofweek(\(sparkDay(t))) + 5) % 7 + 1 AS BIGINT)"
    case .sqlite:
      return "((CAST(strftime('%w', \(try sqliteLocal(t, "weekday()")), 'unixepoch') AS INTEGER) + 6) % 7 + 1)"
    }
  }

  /// `date(t)`: the start of the local day, as an instant.
  func date(_ t: String) throws -> String {
    switch dialect {
    case .postgres: return "(date_trunc('day', \(t) AT TIME ZONE \(zoneName)) AT TIME ZONE \(zoneName))"
    case .duckdb: return "timezone(\(zoneName), date_trunc('day', timezone(\(zoneName), \(t))))"
    case .spark: return "to_utc_timestamp(timestamp_micros(CAST(unix_date(\(sparkDay(t))) AS BIGINT) * 86400000000), \(zoneName))"
    case .sqlite:
      guard let off = fixedOffset else { return try sqliteLocal(t, "date()") }
      return "(CAST(strftime('%s', \(t) + \(off), 'unixepoch', 'start of day') AS REAL) - \(off))"
    }
  }

  /// An instant moved by calendar months and days on the local clock, then by fixed seconds.
  func add(_ d: DurationLiteral, to t: String) throws -> String {
    var out = t
    if d.months != 0 || d.days != 0 {
      switch dialect {
      case .postgres:
        out = "((\(t) AT TIME ZONE \(zoneName) + INTERVAL '\(d.months) months \(d.days) days') AT TIME ZONE \(zoneName))"
      case .duckdb:
        out = "timezone(\(zoneName), timezone(\(zoneName), \(t)) + INTERVAL (\(d.months)) MONTH + INTERVAL (\(d.days)) DAY)"
      case .spark:
        let wall = sparkLocalMicros(t)
        let day = "date_add(add_months(\(sparkDay(t)), \(d.months)), \(d.days))"
        let moved = "CAST(unix_date(\(day)) AS BIGINT) * 86400000000 + pmod(\(wall), 86400000000)"
        out = "to_utc_timestamp(timestamp_micros(\(moved)), \(zoneName))"
      case .sqlite:
        guard d.months == 0, fixedOffset != nil else {
          throw SQLError.unsupported("calendar months", .sqlite, "its date arithmetic does not stop at the month's end")
        }
        out = "(\(t) + \(d.days * 86_400))"
      }
    }
    if d.micros != 0 { out = dialect.plusSeconds(out, SQLNumber.seconds(d.micros)) }
    return out
  }
}
