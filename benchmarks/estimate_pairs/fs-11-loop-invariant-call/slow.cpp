#include <cstdio>
#include <vector>
using namespace std;

long long total(const vector<int> &a) {
    long long s = 0;
    for (int x : a) s += x;
    return s;
}

int main() {
    int n;
    scanf("%d", &n);
    vector<int> a(n);
    for (auto &x : a) scanf("%d", &x);
    int above = 0;
    for (int i = 0; i < n; i++) {
        if (1LL * a[i] * n > total(a)) above++;
    }
    printf("%d\n", above);
    return 0;
}
