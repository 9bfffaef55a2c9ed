import Foundation

struct HeaderSink: FieldSink {
  var names: [String] = []
  mutating func field(_ column: Int, _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, escaped: Bool) {
    names.append(String(decoding: UnsafeBufferPointer(rebasing: p[start..<end]), as: UTF8.self).trimmingCharacters(in: .whitespaces))
  }
  mutating func endRecord() {}
}

/// A record's row, byte offset and line.
struct RecordMark {
  var row: Int
  var offset: Int
  var line: Int
}

/// Observes each kept column's values (`slots`: a column's place among the kept, or -1).
struct InferSink: FieldSink {
  var inferrers: [TypeInferrer]
  let slots: [Int]
  var rows = 0
  var line = 0
  var lines = RowLines()
  /// Every `markEvery`th record, from the first: where pass 2 may start a part.
  var marks: [RecordMark] = []
  var markEvery = 16384
  mutating func startRecord(line: Int, offset: Int) {
    self.line = line
    if rows % markEvery == 0 { marks.append(RecordMark(row: rows, offset: offset, line: line)) }
    lines.record(row: rows, line: line)
  }
  mutating func field(_ column: Int, _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, escaped: Bool) {
    let k = slots[column]
    if k >= 0 { inferrers[k].observe(p, start, end, line: line) }
  }
  mutating func endRecord() { rows += 1 }
}

struct BuildSink: FieldSink {
  var builders: [ColumnBuilder]
  let slots: [Int]
  mutating func field(_ column: Int, _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, escaped: Bool) {
    let k = slots[column]
    if k >= 0 { builders[k].append(p, start, end) }
  }
  mutating func endRecord() {}
}
