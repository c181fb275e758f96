package swift

import "testing"

func BenchmarkParse(b *testing.B) {
	for name, text := range map[string]string{"fin": credit700, "printout": printout700, "details": details700} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Parse(text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
