#include <cstdio>
#include <unordered_map>
using namespace std;

// Frequency of values, then the most frequent value and count queries.
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 0;
    unordered_map<long long, int> cnt;
    for (int i = 0; i < n; i++) {
        long long x;
        scanf("%lld", &x);
        cnt[x]++;
    }
    long long best = -1;
    int bestCount = 0;
    for (auto& [value, c] : cnt)
        if (c > bestCount || (c == bestCount && value < best)) { bestCount = c; best = value; }
    printf("%zu %lld %d\n", cnt.size(), best, bestCount);
    int q;
    scanf("%d", &q);
    long long total = 0;
    for (int i = 0; i < q; i++) {
        long long x;
        scanf("%lld", &x);
        auto it = cnt.find(x);
        total += (it == cnt.end() ? 0 : it->second) * (long long)(i + 1);
    }
    printf("%lld\n", total);
    return 0;
}
