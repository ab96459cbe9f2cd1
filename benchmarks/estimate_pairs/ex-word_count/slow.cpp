// How many distinct values occur, and how often the most frequent one occurs.
// Slow: an ordered std::map where no order is needed.
#include <cstdio>
#include <map>

int main() {
    int n;
    if (std::scanf("%d", &n) != 1) return 1;
    std::map<long long, int> seen;
    int best = 0;
    for (int i = 0; i < n; i++) {
        long long v;
        std::scanf("%lld", &v);
        seen[v]++;
        if (seen[v] > best) best = seen[v];
    }
    std::printf("%d %d\n", (int)seen.size(), best);
    return 0;
}
