#include <bits/stdc++.h>
using namespace std;

int main() {
    int n;
    scanf("%d", &n);
    vector<long long> a(n);
    for (auto &x : a) scanf("%lld", &x);
    sort(a.begin(), a.end());
    long long cnt = 0;
    for (int i = 0, j; i < n; i = j) {
        j = i;
        while (j < n && a[j] == a[i]) j++;
        long long k = j - i;
        cnt += k * (k - 1) / 2;
    }
    printf("%lld\n", cnt);
}
