#include <bits/stdc++.h>
using namespace std;

int n;
long long target;
vector<long long> a, suffix;

// Items sorted ascending: stop once the next item overshoots or the rest cannot reach target.
long long go(int i, long long sum) {
    if (sum == target) return 1;
    long long ways = 0;
    for (int j = i; j < n; j++) {
        if (sum + a[j] > target) break;
        if (sum + suffix[j] < target) break;
        ways += go(j + 1, sum + a[j]);
    }
    return ways;
}

int main() {
    scanf("%d %lld", &n, &target);
    a.resize(n);
    for (auto &x : a) scanf("%lld", &x);
    sort(a.begin(), a.end());
    suffix.assign(n + 1, 0);
    for (int i = n - 1; i >= 0; i--) suffix[i] = suffix[i + 1] + a[i];
    printf("%lld\n", target == 0 ? 1 : go(0, 0));
    return 0;
}
