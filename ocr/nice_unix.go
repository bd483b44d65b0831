//go:build unix

package ocr

import "syscall"

// lowerPriority renices a started tesseract process so that, when pictures
// keep every core busy, the bot's own goroutines (text messages) still come
// first. Failure is harmless: the process keeps the normal priority.
func lowerPriority(pid, nice int) {
	if nice > 0 {
		_ = syscall.Setpriority(syscall.PRIO_PROCESS, pid, nice)
	}
}
