import Foundation

/// Aggregates over the rows of a mask, per group.
struct Accumulator {
  let function: AggregateFunction
  let arg: Vector?
  let type: ValueType
  let parameter: Double?
  let broadcast: Bool
  /// For `first` and `last`: the time of each row, which orders them.
  let times: Vector?
  var counts: [Int]
  var isum: [Int64] = []
  var overflowed: [Bool] = []
  var dsum: [Double] = []
  var comp: [Double] = []
  /// For `avg`, the sum scaled by 2^-64: its mean stays right when the plain sum overflows.
  var scaled: [Double] = []
  var best: [Int] = []  // row index of the min/max so far, -1 for none
  var lists: [[Double]] = []
  var ilists: [[Int64]] = []
  var distinct: [Set<Int64>] = []

  init(_ f: AggregateFunction, _ arg: Vector?, _ type: ValueType, _ parameter: Double?, groups: Int, times: Vector? = nil) {
    function = f
    self.arg = arg
    self.times = times
    self.type = type
    self.parameter = parameter
    broadcast = (arg?.count ?? 0) == 1
    counts = [Int](repeating: 0, count: groups)
    switch f {
    case .sum, .avg:
      isum = [Int64](repeating: 0, count: groups)
      overflowed = [Bool](repeating: false, count: groups)
      dsum = [Double](repeating: 0, count: groups)
      comp = [Double](repeating: 0, count: groups)
      if f == .avg { scaled = [Double](repeating: 0, count: groups) }
    case .min, .max, .first, .last: best = [Int](repeating: -1, count: groups)
    case .median, .percentile:
      if arg.map({ $0.type == .time || $0.type == .duration }) ?? false {
        ilists = [[Int64]](repeating: [], count: groups)
      } else {
        lists = [[Double]](repeating: [], count: groups)
      }
    case .countDistinct: distinct = [Set<Int64>](repeating: [], count: groups)
    case .count: break
    }
  }

  @inline(__always) mutating func add(_ row: Int, group g: Int) {
    counts[g] += 1
    guard let arg else { return }
    let i = broadcast ? 0 : row
    switch function {
    case .count: break
    case .countDistinct:
      switch arg.data {
      case .int(let a), .time(let a), .duration(let a): distinct[g].insert(a[i])
      case .number(let a): distinct[g].insert(Int64(bitPattern: (a[i] == 0 ? 0 : a[i]).bitPattern))
      case .string(let c, _): distinct[g].insert(Int64(c[i]))
      case .bool(let b): distinct[g].insert(b[i] ? 1 : 0)
      }
    case .sum, .avg:
      switch arg.data {
      case .int(let a), .duration(let a), .time(let a):
        if !overflowed[g] {
          let (s, o) = isum[g].addingReportingOverflow(a[i])
          if o { overflowed[g] = true } else { isum[g] = s }
        }
        addDouble(Double(a[i]), g)
      case .bool(let b):
        if b[i] {
          isum[g] += 1
          addDouble(1, g)
        }
      case .number(let a): addDouble(a[i], g)
      case .string: break
      }
    case .min, .max:
      let cur = best[g]
      if cur < 0 || better(i, than: cur) { best[g] = i }
    case .first, .last:
      // Ordered by time: a row whose time is null has no place in the order.
      guard let times, times.isValid(row), case .time(let t) = times.data else { return }
      let cur = best[g]
      if cur < 0 {
        best[g] = row
      } else {
        let (a, b) = (t[row], t[cur])
        let earlier = function == .first ? a < b : a > b
        // Among rows at the same time, the least value for `first`, the greatest for `last`.
        if earlier || (a == b && compare(broadcast ? 0 : row, broadcast ? 0 : cur) == (function == .first ? -1 : 1)) { best[g] = row }
      }
    case .median, .percentile:
      switch arg.data {
      case .int(let a): lists[g].append(Double(a[i]))
      case .number(let a): lists[g].append(a[i])
      case .time(let a), .duration(let a): ilists[g].append(a[i])
      default: break
      }
    }
  }

  /// Neumaier's compensated sum.
  @inline(__always) private mutating func addDouble(_ x: Double, _ g: Int) {
    let s = dsum[g]
    let t = s + x
    if abs(s) >= abs(x) { comp[g] += (s - t) + x } else { comp[g] += (x - t) + s }
    dsum[g] = t
    if !scaled.isEmpty { scaled[g] += x * 0x1p-64 }
  }

  private func better(_ i: Int, than j: Int) -> Bool {
    let r = compare(i, j)
    return function == .min ? r < 0 : r > 0
  }

  /// -1, 0 or 1 as the argument at row `i` is less than, equal to or greater than at row `j`.
  private func compare(_ i: Int, _ j: Int) -> Int {
    guard let arg else { return 0 }
    switch arg.data {
    case .int(let a), .time(let a), .duration(let a): return a[i] < a[j] ? -1 : a[i] > a[j] ? 1 : 0
    case .number(let a): return a[i] < a[j] ? -1 : a[i] > a[j] ? 1 : 0
    case .string(let c, let d):
      let r = Ops.compareStrings(d[Int(c[i])], d[Int(c[j])])
      return r < 0 ? -1 : r > 0 ? 1 : 0
    case .bool(let b): return !b[i] && b[j] ? -1 : b[i] && !b[j] ? 1 : 0
    }
  }

  /// The aggregate of group `g`; a number past the range of a double (a sum past 1.8e308)
  /// is null, and `outOfRange` says so.
  func result(_ g: Int) -> Value {
    let r = rawResult(g)
    if case .number(let d) = r, !d.isFinite { return .null }
    return r
  }

  /// Whether group `g`'s aggregate is null because it does not fit in a double.
  func outOfRange(_ g: Int) -> Bool {
    if case .number(let d) = rawResult(g) { return !d.isFinite }
    return false
  }

  private func rawResult(_ g: Int) -> Value {
    let n = counts[g]
    switch function {
    case .count: return .int(Int64(n))
    case .countDistinct: return .int(Int64(distinct.isEmpty ? 0 : distinct[g].count))
    case .sum:
      if isum.isEmpty { return zero }
      switch type {
      // Past Int64 a sum of ints is a number, and so is a sum of the groups' sums that were.
      case .int: return overflowed[g] || arg?.type == .number ? .number(dsum[g] + comp[g]) : .int(isum[g])
      case .duration: return .duration(overflowed[g] ? Int64(clamping: Int64((dsum[g] + comp[g]).rounded())) : isum[g])
      default: return .number(dsum[g] + comp[g])
      }
    case .avg:
      guard n > 0, !dsum.isEmpty else { return .null }
      let total: Double
      if let arg, [.int, .duration, .time].contains(arg.type), !overflowed[g] {
        total = Double(isum[g])
      } else {
        total = dsum[g] + comp[g]
      }
      var mean = total / Double(n)
      if !mean.isFinite, !scaled.isEmpty { mean = scaled[g] / Double(n) * 0x1p64 }  // the sum overflowed, not the mean
      return type == .duration ? Ops.durationValue(mean) : .number(mean)
    case .min, .max:
      guard !best.isEmpty, best[g] >= 0, let arg else { return .null }
      return arg.value(at: best[g])
    case .first, .last:
      guard !best.isEmpty, best[g] >= 0, let arg else { return .null }
      return arg.value(at: broadcast ? 0 : best[g])
    case .median, .percentile:
      let q = function == .median ? 0.5 : (parameter ?? 0.5)
      if !ilists.isEmpty {
        let xs = ilists[g].sorted()
        guard !xs.isEmpty else { return .null }
        let pos = q * Double(xs.count - 1)
        let lo = Int(pos.rounded(.down))
        let hi = min(lo + 1, xs.count - 1)
        let frac = pos - Double(lo)
        let v = Double(xs[lo]) + (Double(xs[hi]) - Double(xs[lo])) * frac
        let r = Int64(v.rounded())
        return type == .time ? .time(r) : .duration(r)
      }
      guard !lists.isEmpty else { return .null }
      let xs = lists[g].sorted()
      guard !xs.isEmpty else { return .null }
      let pos = q * Double(xs.count - 1)
      let lo = Int(pos.rounded(.down))
      let hi = min(lo + 1, xs.count - 1)
      let frac = pos - Double(lo)
      let gap = xs[hi] - xs[lo]
      // Between -1e308 and 1e308 the gap itself overflows: weigh the two ends instead.
      return .number(gap.isFinite ? xs[lo] + gap * frac : xs[lo] * (1 - frac) + xs[hi] * frac)
    }
  }

  private var zero: Value {
    switch type {
    case .number: return .number(0)
    case .duration: return .duration(0)
    default: return .int(0)
    }
  }
}
