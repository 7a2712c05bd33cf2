package device

import (
	"github.com/skip2/go-qrcode"
)

// QR image sizes in pixels.
const (
	QRDefaultSize = 256
	QRMinSize     = 64
	QRMaxSize     = 1024
)

// ClampQRSize bounds a requested image size.
func ClampQRSize(n int) int {
	switch {
	case n <= 0:
		return QRDefaultSize
	case n < QRMinSize:
		return QRMinSize
	case n > QRMaxSize:
		return QRMaxSize
	}
	return n
}

// QRPNG renders url as a PNG QR code of size×size pixels, with medium
// error correction so a scuffed label still scans.
func QRPNG(url string, size int) ([]byte, error) {
	return qrcode.Encode(url, qrcode.Medium, ClampQRSize(size))
}
