import Foundation

/// A calendar period, for `over` and for `by` time grains.
public enum Period: String, Sendable, CaseIterable {
  case hour, day, week, month, quarter, year
}

func pad2(_ v: Int) -> String { v < 10 && v >= 0 ? "0\(v)" : String(v) }

func pad4(_ v: Int) -> String {
  let s = String(abs(v))
  return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, 4 - s.count)) + s
}
