#include <iostream>
using namespace std;

int a[10];

int main() {
    int n;
    cin >> n >> a[n];  // a[n] is taken after n is read
    cout << a[n] << endl;
}
