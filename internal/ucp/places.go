package ucp

import (
	"regexp"
	"strings"
)

// placeNames are the countries, and the cities trade finance meets most, by
// the names credits write them in (upper case, without dots).
var placeNames = map[string]string{
	// Euro area
	"AUSTRIA": "AT", "VIENNA": "AT", "WIEN": "AT", "LINZ": "AT", "GRAZ": "AT",
	"BELGIUM": "BE", "BRUSSELS": "BE", "BRUXELLES": "BE", "ANTWERP": "BE", "ANTWERPEN": "BE",
	"CROATIA": "HR", "ZAGREB": "HR", "CYPRUS": "CY", "LIMASSOL": "CY", "NICOSIA": "CY",
	"ESTONIA": "EE", "TALLINN": "EE", "FINLAND": "FI", "HELSINKI": "FI",
	"FRANCE": "FR", "PARIS": "FR", "LYON": "FR", "MARSEILLE": "FR", "LE HAVRE": "FR",
	"GERMANY": "DE", "FRANKFURT": "DE", "HAMBURG": "DE", "BREMEN": "DE", "BERLIN": "DE", "MUNICH": "DE",
	"MUENCHEN": "DE", "DUESSELDORF": "DE", "DUSSELDORF": "DE", "STUTTGART": "DE", "COLOGNE": "DE", "KOELN": "DE",
	"GREECE": "GR", "ATHENS": "GR", "PIRAEUS": "GR", "IRELAND": "IE", "DUBLIN": "IE",
	"ITALY": "IT", "MILAN": "IT", "MILANO": "IT", "ROME": "IT", "ROMA": "IT", "GENOA": "IT", "GENOVA": "IT",
	"NAPLES": "IT", "TURIN": "IT", "TORINO": "IT", "LATVIA": "LV", "RIGA": "LV", "LITHUANIA": "LT", "VILNIUS": "LT",
	"LUXEMBOURG": "LU", "MALTA": "MT", "VALLETTA": "MT",
	"NETHERLANDS": "NL", "HOLLAND": "NL", "AMSTERDAM": "NL", "ROTTERDAM": "NL",
	"PORTUGAL": "PT", "LISBON": "PT", "LISBOA": "PT", "PORTO": "PT", "SLOVAKIA": "SK", "BRATISLAVA": "SK",
	"SLOVENIA": "SI", "LJUBLJANA": "SI", "KOPER": "SI",
	"SPAIN": "ES", "MADRID": "ES", "BARCELONA": "ES", "VALENCIA": "ES", "BILBAO": "ES",
	// Europe outside the euro area
	"BULGARIA": "BG", "SOFIA": "BG", "CZECH REPUBLIC": "CZ", "CZECHIA": "CZ", "PRAGUE": "CZ",
	"DENMARK": "DK", "COPENHAGEN": "DK", "NORWAY": "NO", "OSLO": "NO", "POLAND": "PL", "WARSAW": "PL",
	"GDANSK": "PL", "ROMANIA": "RO", "BUCHAREST": "RO", "RUSSIA": "RU", "RUSSIAN FEDERATION": "RU",
	"MOSCOW": "RU", "SWEDEN": "SE", "STOCKHOLM": "SE", "GOTHENBURG": "SE",
	"SWITZERLAND": "CH", "ZURICH": "CH", "GENEVA": "CH", "GENEVE": "CH", "BASEL": "CH", "LUGANO": "CH",
	"UKRAINE": "UA", "KYIV": "UA", "KIEV": "UA", "ODESSA": "UA",
	"UNITED KINGDOM": "GB", "GREAT BRITAIN": "GB", "ENGLAND": "GB", "UK": "GB", "LONDON": "GB",
	"TURKEY": "TR", "TURKIYE": "TR", "ISTANBUL": "TR", "IZMIR": "TR", "ANKARA": "TR", "MERSIN": "TR",
	// Americas
	"USA": "US", "UNITED STATES": "US", "UNITED STATES OF AMERICA": "US", "NEW YORK": "US",
	"CHICAGO": "US", "LOS ANGELES": "US", "SAN FRANCISCO": "US", "HOUSTON": "US", "MIAMI": "US",
	"CANADA": "CA", "TORONTO": "CA", "MONTREAL": "CA", "VANCOUVER": "CA",
	"MEXICO": "MX", "BRAZIL": "BR", "SAO PAULO": "BR", "RIO DE JANEIRO": "BR", "SANTOS": "BR",
	"ARGENTINA": "AR", "BUENOS AIRES": "AR", "CHILE": "CL", "SANTIAGO": "CL", "COLOMBIA": "CO",
	"BOGOTA": "CO", "PERU": "PE", "LIMA": "PE",
	// Gulf, Middle East, Africa
	"SAUDI ARABIA": "SA", "KSA": "SA", "RIYADH": "SA", "JEDDAH": "SA", "DAMMAM": "SA",
	"QATAR": "QA", "DOHA": "QA", "KUWAIT": "KW", "BAHRAIN": "BH", "MANAMA": "BH", "OMAN": "OM",
	"MUSCAT": "OM", "UNITED ARAB EMIRATES": "AE", "UAE": "AE", "DUBAI": "AE", "ABU DHABI": "AE",
	"SHARJAH": "AE", "EGYPT": "EG", "CAIRO": "EG", "ALEXANDRIA": "EG", "JORDAN": "JO", "AMMAN": "JO",
	"IRAQ": "IQ", "BAGHDAD": "IQ", "BASRA": "IQ", "ALGERIA": "DZ", "ALGIERS": "DZ", "ISRAEL": "IL",
	"TEL AVIV": "IL", "IRAN": "IR", "TEHRAN": "IR", "MOROCCO": "MA", "CASABLANCA": "MA",
	"TUNISIA": "TN", "TUNIS": "TN", "NIGERIA": "NG", "LAGOS": "NG", "KENYA": "KE", "NAIROBI": "KE",
	"MOMBASA": "KE", "SOUTH AFRICA": "ZA", "JOHANNESBURG": "ZA", "CAPE TOWN": "ZA", "DURBAN": "ZA",
	// Asia and Oceania
	"CHINA": "CN", "PRC": "CN", "SHANGHAI": "CN", "BEIJING": "CN", "SHENZHEN": "CN", "GUANGZHOU": "CN",
	"QINGDAO": "CN", "TIANJIN": "CN", "NINGBO": "CN", "XIAMEN": "CN", "HONG KONG": "HK", "HONGKONG": "HK",
	"SINGAPORE": "SG", "INDIA": "IN", "MUMBAI": "IN", "BOMBAY": "IN", "NEW DELHI": "IN", "DELHI": "IN",
	"CHENNAI": "IN", "KOLKATA": "IN", "PHILIPPINES": "PH", "MANILA": "PH", "MAKATI": "PH",
	"INDONESIA": "ID", "JAKARTA": "ID", "SURABAYA": "ID", "PAKISTAN": "PK", "KARACHI": "PK",
	"LAHORE": "PK", "ISLAMABAD": "PK", "BANGLADESH": "BD", "DHAKA": "BD", "CHITTAGONG": "BD",
	"VIETNAM": "VN", "VIET NAM": "VN", "HO CHI MINH": "VN", "HANOI": "VN", "HAIPHONG": "VN",
	"THAILAND": "TH", "BANGKOK": "TH", "MALAYSIA": "MY", "KUALA LUMPUR": "MY", "PENANG": "MY",
	"PORT KLANG": "MY", "KOREA": "KR", "SOUTH KOREA": "KR", "REPUBLIC OF KOREA": "KR", "SEOUL": "KR",
	"BUSAN": "KR", "TAIWAN": "TW", "TAIPEI": "TW", "KAOHSIUNG": "TW", "JAPAN": "JP", "TOKYO": "JP",
	"OSAKA": "JP", "YOKOHAMA": "JP", "KOBE": "JP", "SRI LANKA": "LK", "COLOMBO": "LK",
	"AUSTRALIA": "AU", "SYDNEY": "AU", "MELBOURNE": "AU", "NEW ZEALAND": "NZ", "AUCKLAND": "NZ",
}

// bicRe is a BIC: bank (4), country (2), location (2), branch (3, optional).
var bicRe = regexp.MustCompile(`^[A-Z]{4}([A-Z]{2})[A-Z0-9]{2}(?:[A-Z0-9]{3})?$`)

// CountryOf finds the country a place of expiry or a bank's address names:
// the last country or city of placeNames in it ("BANK OF CHINA, FRANKFURT"
// is DE), or, for a place that is only a BIC ("COBADEFFXXX") or a country
// code ("DE"), its country. "AT YOUR COUNTERS" names none.
func CountryOf(place string) (string, bool) {
	up := strings.ToUpper(strings.ReplaceAll(place, ".", ""))
	norm := " " + strings.Join(strings.FieldsFunc(up, func(r rune) bool { return r < 'A' || r > 'Z' }), " ") + " "
	best, bestEnd, bestLen := "", -1, 0
	for name, code := range placeNames {
		i := strings.LastIndex(norm, " "+name+" ")
		if i < 0 {
			continue
		}
		if end := i + len(name); end > bestEnd || (end == bestEnd && len(name) > bestLen) {
			best, bestEnd, bestLen = code, end, len(name)
		}
	}
	if best != "" {
		return best, true
	}
	t := strings.TrimSpace(up)
	if m := bicRe.FindStringSubmatch(t); m != nil {
		t = m[1]
	}
	if _, ok := Lookup(t); ok && len(t) == 2 {
		return t, true
	}
	return "", false
}
