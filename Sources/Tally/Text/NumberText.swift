import Foundation

/// A number as an analyst writes it: no trailing `.0`, up to 15 significant digits.
func formatNumber(_ v: Double) -> String {
  if v.isNaN { return "NaN" }
  if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
  var s = String(format: "%.15g", v)
  if s.contains("e") { s = String(v) }
  return s
}
