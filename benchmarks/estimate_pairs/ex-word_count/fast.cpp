// examples/word_count, fast: a hash map with room reserved, one lookup per value.
#include <cstdio>
#include <unordered_map>

int main() {
    int n;
    if (std::scanf("%d", &n) != 1) return 1;
    std::unordered_map<long long, int> seen;
    seen.reserve(2 * n);
    int best = 0;
    for (int i = 0; i < n; i++) {
        long long v;
        std::scanf("%lld", &v);
        int c = ++seen[v];
        if (c > best) best = c;
    }
    std::printf("%d %d\n", (int)seen.size(), best);
    return 0;
}
