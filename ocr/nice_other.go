//go:build !unix

package ocr

func lowerPriority(pid, nice int) {}
