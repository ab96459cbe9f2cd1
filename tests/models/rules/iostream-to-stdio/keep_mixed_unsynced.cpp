#include <cstdio>
#include <iostream>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    int n;
    cin >> n;
    printf("first\n");
    cout << n << "\n";  // unsynchronized: the order on stdout is not the program's
}
