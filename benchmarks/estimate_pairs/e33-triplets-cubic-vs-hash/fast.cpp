#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, k; scanf("%d %d", &n, &k); vector<int> a(n); for (auto &x : a) scanf("%d", &x); long long c = 0;
    for (int j = 0; j < n; j++) { unordered_map<int,int> left; left.reserve(2 * j + 2);
        for (int i = 0; i < j; i++) left[a[i]]++;
        for (int l = j + 1; l < n; l++) { auto it = left.find(k - a[j] - a[l]); if (it != left.end()) c += it->second; } }
    printf("%lld\n", c);
}
