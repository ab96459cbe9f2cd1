#include <cstdio>
#include <iostream>
using namespace std;

int main() {
    int n;
    cin >> n;
    printf("%d\n", n);
    cout << n * 2 << "\n";
    return 0;
}
