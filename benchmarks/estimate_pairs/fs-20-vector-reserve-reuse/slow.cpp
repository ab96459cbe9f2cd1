#include <cstdio>
#include <vector>
using namespace std;

int main() {
    int t;
    scanf("%d", &t);
    while (t--) {
        int n;
        scanf("%d", &n);
        vector<int> squares;
        for (int i = 1; i <= n; i++) squares.push_back(i * i % 1000);
        long long s = 0;
        for (int x : squares) s += x;
        printf("%lld\n", s);
    }
    return 0;
}
