//go:build unix

package textract

import "syscall"

// toolNice is the scheduling priority the tools run at: extraction is
// background work, and a burst of uploads, reads and the database's own
// work should have the processor first.
const toolNice = 10

// lower gives the tool of process pid the priority toolNice. A failure only
// leaves it at the priority of the service.
func lower(pid int) { _ = syscall.Setpriority(syscall.PRIO_PROCESS, pid, toolNice) }
