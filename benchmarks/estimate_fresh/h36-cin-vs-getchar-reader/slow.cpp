#include <bits/stdc++.h>
using namespace std;

// n signed integers: sum, xor of absolute values, and the longest run of increasing values.
int main() {
    int n;
    cin >> n;
    long long sum = 0, x = 0, prev = LLONG_MIN;
    int run = 0, best = 0;
    for (int i = 0; i < n; i++) {
        long long v;
        cin >> v;
        sum += v;
        x ^= v < 0 ? -v : v;
        run = v > prev ? run + 1 : 1;
        best = max(best, run);
        prev = v;
    }
    cout << sum << " " << x << " " << best << "\n";
    return 0;
}
