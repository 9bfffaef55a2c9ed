import Foundation

/// Edit distance, for did-you-mean suggestions.
public func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a.lowercased())
  let b = Array(b.lowercased())
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var prev = Array(0...b.count)
  var cur = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    cur[0] = i
    for j in 1...b.count {
      cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
    }
    swap(&prev, &cur)
  }
  return prev[b.count]
}

/// The nearest candidate to `name`, if near enough to be a likely typo.
public func nearest(_ name: String, in candidates: some Sequence<String>) -> String? {
  guard name.count <= 128 else { return nil }  // no name is that long: nothing is near it
  var best: (String, Int)?
  for c in candidates {
    let d = editDistance(name, c)
    // A one-letter name is near no other one-letter name (only a different case of itself).
    if d <= max(1, min(3, name.count / 3 + 1)), name.count > 1 || d == 0, best == nil || d < best!.1 { best = (c, d) }
  }
  return best?.0
}

/// The note that suggests a name: `did you mean 'intervened'?`.
public func didYouMean(_ name: String) -> String { "did you mean '\(name)'?" }

/// `did you mean 'x'?` notes, for the nearest of the candidates.
func suggestion(_ name: String, in candidates: some Sequence<String>) -> [String] {
  nearest(name, in: candidates.sorted()).map { [didYouMean($0)] } ?? []
}

/// A name as a formula writes it: backquoted unless it is a plain identifier (`` `order id` ``).
public func formulaName(_ name: String) -> String {
  guard let first = name.first else { return "``" }
  let plain = (first.isLetter || first == "_") && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
  return plain && !Parser.reserved.contains(name) ? name : "`\(name)`"
}
