#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); vector<int> g((size_t)n * n);
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) g[(size_t)i * n + j] = (i * 7 + j * 13) % 1000;
    long long s = 0; for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) s += g[(size_t)i * n + j] * (j + 1);
    printf("%lld\n", s);
}
