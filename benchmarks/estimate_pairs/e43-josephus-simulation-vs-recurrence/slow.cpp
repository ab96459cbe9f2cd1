#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, k; scanf("%d %d", &n, &k); vector<int> p(n); iota(p.begin(), p.end(), 1); size_t i = 0;
    while (p.size() > 1) { i = (i + k - 1) % p.size(); p.erase(p.begin() + i); }
    printf("%d\n", p[0]);
}
