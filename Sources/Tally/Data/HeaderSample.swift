import Foundation

extension DataLoader {
  /// The header's names, and the columns that are certainly `string` columns: a value in the
  /// first bytes is text that no narrower type reads (so the whole column is text too). The
  /// other columns' types are known only after reading every value; `times` are those whose
  /// first values are all times (a guess, for completion).
  static func headerAndStrings(path: String) throws -> (
    names: [String], strings: Set<String>, times: Set<String>, origins: [String: TextOrigin]
  )? {
    guard FileManager.default.fileExists(atPath: path) else {
      _ = try load(name: "", path: path, zone: .utc)
      return nil
    }
    // A pipe is read once, by the load itself; a device never.
    guard fileKind(path) == .regular, let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    var bytes = [UInt8]((try? handle.read(upToCount: 1 << 20)) ?? Data())
    var lower = path.lowercased()
    if lower.hasSuffix(".gz") {
      bytes = (try? gunzip(bytes, file: path, limit: 1 << 20)) ?? []
      lower.removeLast(3)
    }
    if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".json") { return nil }
    let delimiter: UInt8 = lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") ? 9 : 44
    guard bytes.contains(10) || bytes.contains(13) else { return nil }
    let reader = CSVReader(path: path, bytes: Data(bytes), delimiter: delimiter, zone: .utc)
    let whole = bytes.count < 1 << 20
    return bytes.withUnsafeBufferPointer {
      p -> (names: [String], strings: Set<String>, times: Set<String>, origins: [String: TextOrigin])? in
      var start = 0
      if p.count >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { start = 3 }
      var sink = HeaderSink()
      guard let after = try? reader.scan(p, from: start, line: 1, columns: nil, sink: &sink, limit: 1), !sink.names.isEmpty else {
        return nil
      }
      // The records in the prefix, up to a line break (the next record may be cut); a line
      // break inside quotes is not a record's end, so a few earlier ones are tried.
      var end = p.count
      for attempt in 0..<8 {
        if !whole || attempt > 0 {
          if end > after.offset { end -= 1 }
          while end > after.offset, p[end - 1] != 10 { end -= 1 }
        }
        guard end > after.offset else { break }
        var infer = InferSink(
          inferrers: [TypeInferrer](repeating: TypeInferrer(), count: sink.names.count), slots: Array(0..<sink.names.count))
        let prefix = UnsafeBufferPointer(rebasing: p[0..<end])
        guard firstInvalidUTF8(prefix, from: after.offset) == nil else { break }
        guard (try? reader.scan(prefix, from: after.offset, line: after.line, columns: sink.names.count, sink: &infer, limit: nil)) != nil
        else { continue }
        let strings = zip(sink.names, infer.inferrers).filter { $0.1.nonNull > 0 && $0.1.type == .string }.map(\.0)
        let times = zip(sink.names, infer.inferrers).filter { $0.1.nonNull > 0 && $0.1.type == .time }.map(\.0)
        var origins: [String: TextOrigin] = [:]
        for (name, inferrer) in zip(sink.names, infer.inferrers) where inferrer.type == .string { origins[name] = inferrer.textAt }
        return (sink.names, Set(strings), Set(times), origins)
      }
      return (sink.names, [], [], [:])
    }
  }
}
