import Foundation

extension Session {
  /// The as-of instant in force: the explicit one, else the start of the day after the latest
  /// time in any dataset's or view's time column, else the start of tomorrow. The default is
  /// computed once, until the data or the definitions change.
  public var resolvedAsOf: Int64 {
    if let asOf { return asOf.resolve(zone) }
    if let d = defaultAsOfCache { return d }
    statistics.asOfScans += 1
    guard let latest = Self.latestTime(state, zone) else {
      return Self.dayAfter(Int64(Date().timeIntervalSince1970 * 1e6), zone)  // tomorrow changes: not kept
    }
    let d = Self.dayAfter(latest, zone)
    defaultAsOfCache = d
    return d
  }

  /// The latest time in any dataset's or view's time column (whatever the view's filter).
  static func latestTime(_ state: SessionState, _ zone: Zone) -> Int64? {
    latestTimes(state, zone).map(\.time).max()
  }

  /// The latest time of each dataset's and view's time column, by dataset and column.
  static func latestTimes(_ state: SessionState, _ zone: Zone) -> [(dataset: String, column: String, time: Int64)] {
    var columns: [(String, String)] = []
    for (name, schema) in state.catalog.datasets { if let t = schema.timeColumn { columns.append((name, t)) } }
    for v in state.catalog.views.values {
      if let t = v.time, let base = state.baseDataset(of: v.name) { columns.append((base, t)) }
    }
    var out: [(dataset: String, column: String, time: Int64)] = []
    var seen = Set<[String]>()
    for (d, c) in columns.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) where seen.insert([d, c]).inserted {
      if let table = state.datasets[d]?.server {
        if let latest = serverLatest(table, c, zone) { out.append((d, c, latest)) }
        continue
      }
      guard let col = state.datasets[d]?.column(c), case .time(let ts) = col.vector.data else { continue }
      var latest: Int64?
      for i in 0..<ts.count where col.vector.isValid(i) {
        if latest == nil || ts[i] > latest! { latest = ts[i] }
      }
      if let latest { out.append((d, c, latest)) }
    }
    return out
  }

  /// The latest time of a server table's column, asked of the server (nil when it has none,
  /// or cannot say: the aggregates that follow then report the server's error).
  static func serverLatest(_ table: ServerTable, _ column: String, _ zone: Zone) -> Int64? {
    let c = Dialect.postgres.quote(column)
    let sql = """
      SELECT CAST(CAST(EXTRACT(EPOCH FROM MAX(\(c)) FILTER (WHERE isfinite(\(c)))) * 1000000 AS BIGINT) AS TEXT) \
      FROM \(table.from(zone: zone)) AS t
      """
    guard let rows = try? DatabaseServers.shared.server(table.connection).rows(sql), let cell = rows.first?.first ?? nil else { return nil }
    return Int64(cell)
  }

  /// A note when the default as-of comes from one time column that runs far past all the
  /// others (a promised date a year ahead): windows then read none of the other rows.
  func defaultAsOfNote() -> Diagnostic? {
    guard asOf == nil else { return nil }
    let latest = Self.latestTimes(state, zone).sorted { $0.time > $1.time }
    guard latest.count >= 2 else { return nil }
    let first = latest[0]
    guard let others = latest.first(where: { $0.dataset != first.dataset || $0.column != first.column }),
      first.time - others.time > 366 * Micros.day
    else { return nil }
    return Diagnostic(
      .note, SessionMessage.asOfFromColumn(first.dataset, first.column, zone.iso(resolvedAsOf)),
      notes: ["the other time columns end by \(zone.iso(others.time)); give --as-of (or 'at') to evaluate as of then"])
  }

  /// The start of the day after an instant's day in the zone.
  static func dayAfter(_ t: Int64, _ zone: Zone) -> Int64 {
    let end = zone.fromLocal((zone.localDay(t).day + 1) * Micros.day)
    return Time.inRange(end) ? end : Time.max
  }
}
