#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); vector<int> a(n); for (auto &x : a) scanf("%d", &x);
    long long sum = 0; for (int x : a) sum += x;
    long long above = 0; for (int x : a) if (1LL * x * n > sum) above++;
    printf("%lld\n", above);
}
