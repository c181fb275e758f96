package dossier

import (
	"slices"
	"sort"
)

// currencyCodes are the alphabetic codes of ISO 4217 List One (current
// currencies and funds), sorted so that a binary search finds them.
//
// Left out on purpose: XTS (reserved for testing) and XXX (no currency), which
// on a business document can only be a data-entry error. Kept although being
// withdrawn: ANG (replaced by XCG in 2025) and BGN (Bulgaria joined the euro
// in 2026), because documents issued before the change still carry them and
// the archive must accept them.
var currencyCodes = []string{
	"AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN",
	"BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV",
	"BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
	"CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU",
	"CRC", "CUP", "CVE", "CZK",
	"DJF", "DKK", "DOP", "DZD",
	"EGP", "ERN", "ETB", "EUR",
	"FJD", "FKP",
	"GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD",
	"HKD", "HNL", "HTG", "HUF",
	"IDR", "ILS", "INR", "IQD", "IRR", "ISK",
	"JMD", "JOD", "JPY",
	"KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT",
	"LAK", "LBP", "LKR", "LRD", "LSL", "LYD",
	"MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
	"MWK", "MXN", "MXV", "MYR", "MZN",
	"NAD", "NGN", "NIO", "NOK", "NPR", "NZD",
	"OMR",
	"PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG",
	"QAR",
	"RON", "RSD", "RUB", "RWF",
	"SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD",
	"SSP", "STN", "SVC", "SYP", "SZL",
	"THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS",
	"UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS",
	"VED", "VES", "VND", "VUV",
	"WST",
	"XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XCG", "XDR",
	"XOF", "XPD", "XPF", "XPT", "XSU", "XUA",
	"YER",
	"ZAR", "ZMW", "ZWG",
}

// IsCurrency reports whether code is an ISO 4217 code that a document may
// carry. Codes are upper case; "eur" is not a code.
func IsCurrency(code string) bool {
	i := sort.SearchStrings(currencyCodes, code)
	return i < len(currencyCodes) && currencyCodes[i] == code
}

// Currencies returns the accepted codes in sorted order.
func Currencies() []string {
	return append([]string(nil), currencyCodes...)
}

// minorUnits are the ISO 4217 minor units of the currencies that do not
// have the usual two decimals; the funds and metals that have none (XAU,
// XDR, …) are not listed here and take up to the amount limit.
var minorUnits = map[string]int{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
	"PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	"CLF": 4, "UYW": 4,
}

// noMinorUnit lists the funds and precious metals ISO 4217 gives no minor unit.
var noMinorUnit = []string{"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XUA"}

// MinorUnits returns how many decimals an amount in code may have: 2 for
// most currencies, 0 for JPY and the like, 3 for KWD and the like, and the
// amount limit for the funds and metals that have no minor unit.
func MinorUnits(code string) int {
	if n, ok := minorUnits[code]; ok {
		return n
	}
	if slices.Contains(noMinorUnit, code) {
		return MaxAmountFracDigits
	}
	return 2
}
