import Foundation

/// Days since 1970-01-01 of a proleptic Gregorian date.
func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int64 {
  let y = Int64(m <= 2 ? y0 - 1 : y0)
  let era = (y >= 0 ? y : y - 399) / 400
  let yoe = y - era * 400
  let mp = Int64((m + 9) % 12)
  let doy = (153 * mp + 2) / 5 + Int64(d) - 1
  let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
  return era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day number.
func civilFromDays(_ z0: Int64) -> (year: Int, month: Int, day: Int) {
  let z = z0 + 719_468
  let era = (z >= 0 ? z : z - 146_096) / 146_097
  let doe = z - era * 146_097
  let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
  let y = yoe + era * 400
  let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
  let mp = (5 * doy + 2) / 153
  let d = doy - (153 * mp + 2) / 5 + 1
  let m = mp < 10 ? mp + 3 : mp - 9
  return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
}

func daysInMonth(_ y: Int, _ m: Int) -> Int {
  switch m {
  case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
  case 4, 6, 9, 11: return 30
  default: return 31
  }
}

/// ISO week-year and week of a day number.
func isoWeek(_ day: Int64) -> (year: Int, week: Int) {
  let wd = (day % 7 + 7 + 3) % 7  // 0 = Monday
  let thursday = day - wd + 3
  let (y, _, _) = civilFromDays(thursday)
  let jan1 = daysFromCivil(y, 1, 1)
  return (y, Int((thursday - jan1) / 7) + 1)
}
