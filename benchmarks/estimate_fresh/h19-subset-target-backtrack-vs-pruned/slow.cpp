#include <bits/stdc++.h>
using namespace std;

int n;
long long target;
vector<long long> a;

// Count subsets summing exactly to target: take or skip every item, check at the end.
long long go(int i, long long sum) {
    if (i == n) return sum == target;
    return go(i + 1, sum + a[i]) + go(i + 1, sum);
}

int main() {
    scanf("%d %lld", &n, &target);
    a.resize(n);
    for (auto &x : a) scanf("%lld", &x);
    printf("%lld\n", go(0, 0));
    return 0;
}
