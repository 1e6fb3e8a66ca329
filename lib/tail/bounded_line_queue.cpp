// BoundedLineQueue (see bounded_line_queue.h).
#include "tail/bounded_line_queue.h"

namespace tail {

bool BoundedLineQueue::try_consume(const TailedLine& line) {
  return queue_.offer(line.line.size(), [&] {
    return QueuedLine{line.cursor, std::string(line.line), line.end_offset, line.read_time_ns};
  });
}

}  // namespace tail
