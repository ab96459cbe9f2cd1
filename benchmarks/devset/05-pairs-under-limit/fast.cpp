#include <bits/stdc++.h>
using namespace std;

int main() {
    int n;
    long long k;
    scanf("%d %lld", &n, &k);
    vector<long long> v(n);
    for (auto &x : v) scanf("%lld", &x);
    sort(v.begin(), v.end());
    long long ans = 0;
    int i = 0, j = n - 1;
    while (i < j) {
        if (v[i] + v[j] <= k) {
            ans += j - i;
            i++;
        } else {
            j--;
        }
    }
    printf("%lld\n", ans);
}
