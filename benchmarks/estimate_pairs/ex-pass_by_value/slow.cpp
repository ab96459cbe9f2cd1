// For each query x, count the values <= x in a sorted array.
// Slow: the helper takes the whole vector by value, so every query copies it.
#include <algorithm>
#include <cstdio>
#include <vector>

int count_at_most(std::vector<int> values, int x) {
    return int(std::upper_bound(values.begin(), values.end(), x) - values.begin());
}

int main() {
    int n, q;
    if (std::scanf("%d %d", &n, &q) != 2) return 1;
    std::vector<int> values(n);
    for (int i = 0; i < n; i++) std::scanf("%d", &values[i]);
    std::sort(values.begin(), values.end());
    long long total = 0;
    for (int i = 0; i < q; i++) {
        int x;
        std::scanf("%d", &x);
        total += count_at_most(values, x);
    }
    std::printf("%lld\n", total);
    return 0;
}
