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

/// The nearest candidate to `name`, if near enough to be a likely typo; among candidates as
/// near, the first given.
public func nearest(_ name: String, in candidates: some Sequence<String>) -> String? {
  guard name.count <= 128 else { return nil }  // no name is that long: nothing is near it
  var best: (String, Int)?
  let length = name.count
  let limit = max(1, min(3, length / 3 + 1))
  for c in candidates {
    // A name more letters longer or shorter than the limit cannot be near.
    guard abs(c.utf8.count - name.utf8.count) <= limit * 4, abs(c.count - length) <= limit else { continue }
    let d = editDistance(name, c)
    // A one-letter name is near no other one-letter name (only a different case of itself).
    // The nearest wins, and among as near ones the first given.
    if d <= limit, length > 1 || d == 0, best == nil || d < best!.1 { best = (c, d) }
  }
  return best?.0
}

/// The note that suggests a name: `did you mean 'intervened'?`.
public func didYouMean(_ name: String) -> String { "did you mean '\(name)'?" }

/// `did you mean 'x'?` notes, for the nearest of the candidates.
func suggestion(_ name: String, in candidates: some Sequence<String>) -> [String] {
  nearest(name, in: candidates.sorted()).map { [didYouMean($0)] } ?? []
}
