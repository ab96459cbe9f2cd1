#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); vector<int> a(n); for (auto &x : a) scanf("%d", &x);
    double mean = 0; for (int x : a) mean += (double)x / n;
    long long above = 0; for (int x : a) if (x > mean + 1e-9) above++;
    printf("%lld\n", above);
}
