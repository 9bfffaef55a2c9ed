import Foundation

extension Session {
  /// The as-of instant in force: the explicit one, else the start of the day after the latest
  /// time in any dataset's or view's time column, else the start of tomorrow. The default is
  /// computed once, until the data or the definitions change.
  public var resolvedAsOf: Int64 {
    if let asOf { return asOf.resolve(zone) }
    if let d = defaultAsOfCache { return d }
    statistics.asOfScans += 1
    guard let latest = Self.latestTime(state) else {
      return Self.dayAfter(Int64(Date().timeIntervalSince1970 * 1e6), zone)  // tomorrow changes: not kept
    }
    let d = Self.dayAfter(latest, zone)
    defaultAsOfCache = d
    return d
  }

  /// The latest time in any dataset's or view's time column (whatever the view's filter).
  static func latestTime(_ state: SessionState) -> Int64? {
    var latest: Int64?
    var columns: [(String, String)] = []
    for (name, schema) in state.catalog.datasets { if let t = schema.timeColumn { columns.append((name, t)) } }
    for v in state.catalog.views.values {
      if let t = v.time, let base = state.baseDataset(of: v.name) { columns.append((base, t)) }
    }
    for (d, c) in columns {
      guard let col = state.datasets[d]?.column(c), case .time(let ts) = col.vector.data else { continue }
      for i in 0..<ts.count where col.vector.isValid(i) {
        if latest == nil || ts[i] > latest! { latest = ts[i] }
      }
    }
    return latest
  }

  /// The start of the day after an instant's day in the zone.
  static func dayAfter(_ t: Int64, _ zone: Zone) -> Int64 {
    let end = zone.fromLocal((zone.localDay(t).day + 1) * Micros.day)
    return Time.inRange(end) ? end : Time.max
  }
}
