package device_test

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"backoffice/app/device"
)

// decodeQR reads the text of a QR code PNG.
func decodeQR(t *testing.T, data []byte) (string, image.Rectangle) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode QR code: %v", err)
	}
	return res.GetText(), img.Bounds()
}

func TestQRPNGEncodesTheURL(t *testing.T) {
	for _, c := range []struct {
		url  string
		size int
	}{
		// Fixed tokens of the real length: a random one now and then made
		// a symbol the test's decoder could not read, and the test flaky.
		{"https://service.example.com/c/L0hXrNSY8cwI8sNZA16ekg", 0},
		{"https://service.example.com/c/SGyTZbNdXKgbISntovfKRg", device.QRMinSize},
		{"https://service.example.com/c/7WkYBTKE3tvtsHKchbyPyg", 300},
		{"https://service.example.com/c/q9-Z_x0aB1cD2eF3gH4iJ5", 5000},
		{"http://localhost:8080/c/abc_DEF-123?x=1&y=%20", 256},
		// New-style tokens (Crockford base32).
		{"https://service.example.com/c/7K3M9QXWR2D5H8ZT0A1BCDEFGHJK", 0},
		{"https://service.example.com/c/0123456789ABCDEFGHJKMNPQRSTV", device.QRMinSize},
		{"https://service.example.com/c/WXYZ0000111122223333ZZZZ9999", 300},
		{"https://example.com/" + strings.Repeat("a", 300), 512},
	} {
		data, err := device.QRPNG(c.url, c.size)
		if err != nil {
			t.Fatalf("QRPNG(%q, %d): %v", c.url, c.size, err)
		}
		text, bounds := decodeQR(t, data)
		if text != c.url {
			t.Errorf("QR code of size %d holds %q, want %q", c.size, text, c.url)
		}
		if want := device.ClampQRSize(c.size); bounds.Dx() < want || bounds.Dx() != bounds.Dy() {
			t.Errorf("image %v for size %d, want at least %d square", bounds, c.size, want)
		}
		if c.size >= 256 && c.size <= device.QRMaxSize && bounds.Dx() != c.size {
			t.Errorf("image %v, want exactly %d", bounds, c.size)
		}
	}
}

func TestClampQRSize(t *testing.T) {
	for in, want := range map[int]int{-5: device.QRDefaultSize, 0: device.QRDefaultSize, 1: device.QRMinSize,
		63: device.QRMinSize, 64: 64, 300: 300, 1024: 1024, 1025: device.QRMaxSize, 1 << 30: device.QRMaxSize} {
		if got := device.ClampQRSize(in); got != want {
			t.Errorf("ClampQRSize(%d) = %d, want %d", in, got, want)
		}
	}
}
